package io.llmgateway.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Counting is exact for text as people write it, and linear (an upper bound) for hostile runs. */
class TokenCounterTests {

    private static final TokenCounter COUNTER = TokenCounter.cl100k();
    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    @Test
    void ordinaryTextIsCountedExactlyAsTheEncodingDoes() {
        String[] texts = {"Hello, gateway!", "  spaced   out\n\n\tlines  ", "числа 1234567 и слова",
                "emoji 😀👍🏽 and 漢字", "x".repeat(TokenCounter.MAX_ENCODED_RUN), "tab\tand\r\nbreaks", "a1b2c3".repeat(500)};
        for (String text : texts) {
            assertThat(COUNTER.count(text)).as(text).isEqualTo(CL100K.countTokensOrdinary(text));
            assertThat(COUNTER.encode(text).size()).as(text).isEqualTo(CL100K.encodeOrdinary(text).size());
        }
    }

    @Test
    void aRunLongerThanTheLimitCountsOneTokenPerByteInsteadOfBeingEncoded() {
        String word = "é".repeat(4 * 1024 * 1024);
        String text = "Say this: " + word + " and stop.";
        int expected = CL100K.countTokensOrdinary("Say this: ") + word.getBytes(StandardCharsets.UTF_8).length
                + CL100K.countTokensOrdinary(" and stop.");
        assertThat(COUNTER.count(text)).isEqualTo(expected);
        assertThat(COUNTER.count(" ".repeat(2_000_000))).isEqualTo(2_000_000);
        assertThat(COUNTER.count("!?".repeat(600_000))).isEqualTo(1_200_000);
    }

    @Test
    void longRunsAreEncodedInPiecesSoEncodingStaysLinear() {
        String word = "abcdefghij".repeat(100_000);
        int tokens = COUNTER.encode(word).size();
        // each piece of MAX_ENCODED_RUN characters is encoded on its own
        int perPiece = CL100K.encodeOrdinary(word.substring(0, TokenCounter.MAX_ENCODED_RUN)).size();
        assertThat(tokens).isEqualTo(perPiece * (word.length() / TokenCounter.MAX_ENCODED_RUN));
    }
}
