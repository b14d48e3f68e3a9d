package io.llmgateway.app.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import io.llmgateway.core.tokens.TokenCounter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's tokenizer setting names a tiktoken encoding or a tokenizer.json file; each is loaded once. */
class ModelTokenizersTests {

    private static final String TEXT = "Tokenizers differ: Привет, 你好, internationalization.";

    @TempDir
    Path dir;

    private final ModelTokenizers tokenizers = new ModelTokenizers();

    @Test
    void noSettingIsCl100kBase() {
        assertThat(tokenizers.counter(null))
                .isSameAs(tokenizers.defaultCounter())
                .isSameAs(tokenizers.counter(" "));
        assertThat(tokenizers.defaultCounter().count(TEXT))
                .isEqualTo(Encodings.newDefaultEncodingRegistry()
                        .getEncoding(EncodingType.CL100K_BASE)
                        .countTokensOrdinary(TEXT));
        assertThat(tokenizers.counter("cl100k_base")).isSameAs(tokenizers.defaultCounter());
    }

    @Test
    void anEncodingByNameInAnyCaseIsLoadedOnce() {
        TokenCounter o200k = tokenizers.counter("o200k_base");

        assertThat(o200k.count(TEXT))
                .isEqualTo(Encodings.newDefaultEncodingRegistry()
                        .getEncoding(EncodingType.O200K_BASE)
                        .countTokensOrdinary(TEXT));
        assertThat(tokenizers.counter(" O200K_BASE ")).isSameAs(o200k);
        assertThat(tokenizers.counter("p50k_base").tokenizer().name()).isEqualTo("p50k_base");
        assertThat(tokenizers.counter("r50k_base").tokenizer().name()).isEqualTo("r50k_base");
    }

    @Test
    void aTokenizerJsonByPathOrFileUrlIsLoadedOnceAndCountsAsItSplits() {
        Path file = TinyTokenizers.wordLevel(dir);

        TokenCounter byPath = tokenizers.counter(file.toString());

        String text = "Tokenizers differ: internationalization, naturally.";
        assertThat(byPath.count(text))
                .isEqualTo(TinyTokenizers.wordLevelCount(text))
                .isEqualTo(7);
        assertThat(tokenizers.counter("file:" + file)).isSameAs(byPath);
        assertThat(tokenizers.counter(file.toUri().toString()))
                .as("file:///...")
                .isSameAs(byPath);
        assertThat(tokenizers.counter(
                        dir.resolve("word-level/../word-level/tokenizer.json").toString()))
                .isSameAs(byPath);
    }

    @Test
    void aFileUrlNeedNotEndInJson() {
        Path file = TinyTokenizers.bytePair(dir);
        Path renamed = file.resolveSibling("bpe.tokenizer");
        assertThat(file.toFile().renameTo(renamed.toFile())).isTrue();

        assertThat(tokenizers.counter("file:" + renamed).count("abcab")).isEqualTo(2);
    }

    @Test
    void anUnknownEncodingOrAMissingFileIsRefusedSayingWhy() {
        assertThatThrownBy(() -> tokenizers.counter("gpt2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'gpt2' is neither a tiktoken encoding (known are r50k_base, p50k_base, p50k_edit,"
                        + " cl100k_base, o200k_base) nor a Hugging Face tokenizer.json file (a path ending in .json,"
                        + " or a file: URL)");
        Path missing = dir.resolve("llama/tokenizer.json");
        assertThatThrownBy(() -> tokenizers.counter("file:" + missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("there is no readable file " + missing);
    }
}
