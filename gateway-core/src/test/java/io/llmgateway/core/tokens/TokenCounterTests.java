package io.llmgateway.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.llmgateway.core.protocol.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

/**
 * Counting is exact for text as people write it, whatever the tokenizer, and linear (an upper bound) for hostile
 * runs, whatever the tokenizer.
 */
class TokenCounterTests {

    private static final TokenCounter COUNTER = TokenCounter.cl100k();
    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final String[] TEXTS = {
        "Hello, gateway!",
        "  spaced   out\n\n\tlines  ",
        "числа 1234567 и слова",
        "emoji 😀👍🏽 and 漢字",
        "x".repeat(TokenCounter.MAX_ENCODED_RUN),
        "tab\tand\r\nbreaks",
        "a1b2c3".repeat(500)
    };

    /** One token per character that is not white space: counts anyone can check by hand. */
    private static final class PerCharacter implements Tokenizer {

        final AtomicInteger longestText = new AtomicInteger();

        @Override
        public String name() {
            return "per-character";
        }

        @Override
        public int count(String text) {
            longestText.accumulateAndGet(text.length(), Math::max);
            return (int)
                    text.codePoints().filter(c -> !Character.isWhitespace(c)).count();
        }
    }

    @Test
    void ordinaryTextIsCountedExactlyAsTheEncodingDoes() {
        TokenCounter o200k = new TokenCounter(TiktokenTokenizer.named("o200k_base"));
        for (String text : TEXTS) {
            assertThat(COUNTER.count(text)).as(text).isEqualTo(CL100K.countTokensOrdinary(text));
            assertThat(o200k.count(text)).as(text).isEqualTo(O200K.countTokensOrdinary(text));
        }
    }

    @Test
    void aPromptIsItsMessagesWithTheirFramingPlusTheReplyPrimingWithAnyTokenizer() {
        TokenCounter counter = new TokenCounter(new PerCharacter());
        List<ChatMessage> prompt = List.of(
                ChatMessage.of("system", "Be brief."),
                new ChatMessage("user", StringNode.valueOf("Hi there"), "ann", null, null, null, null, null, null));
        // priming 3; system: 3 + 6 + 8; user: 3 + 4 + 7, its name 1 + 3
        assertThat(counter.countPrompt(prompt)).isEqualTo(3 + (3 + 6 + 8) + (3 + 4 + 7) + (1 + 3));
        assertThat(COUNTER.countPrompt(prompt))
                .isEqualTo(3
                        + 3
                        + CL100K.countTokensOrdinary("system")
                        + CL100K.countTokensOrdinary("Be brief.")
                        + 3
                        + CL100K.countTokensOrdinary("user")
                        + CL100K.countTokensOrdinary("Hi there")
                        + 1
                        + CL100K.countTokensOrdinary("ann"));
    }

    @Test
    void aRunLongerThanTheLimitCountsOneTokenPerByteInsteadOfBeingEncoded() {
        String word = "é".repeat(4 * 1024 * 1024);
        String text = "Say this: " + word + " and stop.";
        int expected = CL100K.countTokensOrdinary("Say this: ")
                + word.getBytes(StandardCharsets.UTF_8).length
                + CL100K.countTokensOrdinary(" and stop.");
        assertThat(COUNTER.count(text)).isEqualTo(expected);
        assertThat(COUNTER.count(" ".repeat(2_000_000))).isEqualTo(2_000_000);
        assertThat(COUNTER.count("!?".repeat(600_000))).isEqualTo(1_200_000);
    }

    @Test
    void theRunLimitHoldsForEveryTokenizerSoNoneIsEverGivenAHostileRun() {
        PerCharacter tokenizer = new PerCharacter();
        TokenCounter counter = new TokenCounter(tokenizer);
        String word = "é".repeat(4 * 1024 * 1024);

        int tokens = counter.count("Say this: " + word + " and stop.");

        assertThat(tokens).isEqualTo(8 + word.getBytes(StandardCharsets.UTF_8).length + 8);
        assertThat(tokenizer.longestText.get())
                .isLessThanOrEqualTo(TokenCounter.MAX_ENCODED_RUN + " and stop.".length());
        assertThat(counter.count("x".repeat(TokenCounter.MAX_ENCODED_RUN))).isEqualTo(TokenCounter.MAX_ENCODED_RUN);
    }

    @Test
    void nothingCountsNothing() {
        assertThat(COUNTER.count(null)).isZero();
        assertThat(COUNTER.count("")).isZero();
        assertThat(COUNTER.countPrompt(null)).isZero();
        assertThat(COUNTER.countPrompt(List.of())).isEqualTo(3);
    }
}
