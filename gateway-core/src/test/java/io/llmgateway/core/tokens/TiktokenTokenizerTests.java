package io.llmgateway.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A tiktoken encoding by name counts and encodes as jtokkit does. */
class TiktokenTokenizerTests {

    private static final EncodingRegistry JTOKKIT = Encodings.newDefaultEncodingRegistry();
    private static final String TEXT = "Привет, как дела? 你好世界, and in English: tokenizers differ.";

    @Test
    void everyEncodingByNameCountsAsJtokkitDoes() {
        for (EncodingType type : EncodingType.values()) {
            TiktokenTokenizer tokenizer = TiktokenTokenizer.named(type.getName());
            assertThat(tokenizer.name()).isEqualTo(type.getName());
            assertThat(tokenizer.count(TEXT))
                    .as(type.getName())
                    .isEqualTo(JTOKKIT.getEncoding(type).countTokensOrdinary(TEXT));
        }
        // the encodings differ: a model's own one matters
        assertThat(TiktokenTokenizer.named("o200k_base").count(TEXT))
                .isLessThan(TiktokenTokenizer.cl100k().count(TEXT));
    }

    @Test
    void namesAreReadInAnyCase() {
        assertThat(TiktokenTokenizer.named(" O200K_Base ").name()).isEqualTo("o200k_base");
    }

    @Test
    void anUnknownNameIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> TiktokenTokenizer.named("llama3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'llama3' is not a tiktoken encoding; known are r50k_base, p50k_base, p50k_edit,"
                        + " cl100k_base, o200k_base");
    }

    @Test
    void idsAndTheirBytesGiveTheTextBack() {
        TiktokenTokenizer tokenizer = TiktokenTokenizer.cl100k();
        String text = "emoji 😀👍🏽 and 漢字";
        IntArrayList ids = tokenizer.encode(text);
        assertThat(ids.size()).isEqualTo(tokenizer.count(text));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < ids.size(); i++) {
            bytes.writeBytes(tokenizer.bytesOf(ids.get(i)));
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void longRunsAreEncodedInPiecesSoEncodingStaysLinear() {
        TiktokenTokenizer tokenizer = TiktokenTokenizer.cl100k();
        String word = "abcdefghij".repeat(100_000);
        int tokens = tokenizer.encode(word).size();
        // each piece of MAX_ENCODED_RUN characters is encoded on its own
        int perPiece = tokenizer.count(word.substring(0, TokenCounter.MAX_ENCODED_RUN));
        assertThat(tokens).isEqualTo(perPiece * (word.length() / TokenCounter.MAX_ENCODED_RUN));
    }
}
