package io.llmgateway.app.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.tokens.TokenCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's tokenizer.json counts as that tokenizer splits, with nothing added or cut, from any thread. */
class HuggingFaceTokenizerFileTests {

    @TempDir
    static Path dir;

    @Test
    void aWordLevelTokenizerCountsItsWordsNotCl100kTokens() {
        HuggingFaceTokenizerFile tokenizer = HuggingFaceTokenizerFile.load(TinyTokenizers.wordLevel(dir));
        String text = "Hello, antidisestablishmentarianism and internationalization, please!";

        assertThat(tokenizer.count(text))
                .isEqualTo(TinyTokenizers.wordLevelCount(text))
                .isEqualTo(8);
        assertThat(TokenCounter.cl100k().count(text))
                .as("the default tokenizer counts differently")
                .isGreaterThan(8);
        assertThat(tokenizer.name()).endsWith("tokenizer.json");
    }

    @Test
    void neitherSpecialTokensAreAddedNorIsTheTextTruncated() {
        HuggingFaceTokenizerFile tokenizer = HuggingFaceTokenizerFile.load(TinyTokenizers.wordLevel(dir));
        // the file says [CLS] ... [SEP] around every text and to truncate at 8 tokens
        assertThat(tokenizer.count("hello")).isEqualTo(1);
        assertThat(tokenizer.count("")).isZero();
        String long_ = "hello please ".repeat(600);
        assertThat(tokenizer.count(long_)).isEqualTo(1200);
    }

    @Test
    void aBytePairTokenizerAppliesItsMerges() {
        HuggingFaceTokenizerFile tokenizer = HuggingFaceTokenizerFile.load(TinyTokenizers.bytePair(dir));

        assertThat(tokenizer.count("abc")).isEqualTo(1);
        assertThat(tokenizer.count("ab")).isEqualTo(1);
        assertThat(tokenizer.count("cab")).isEqualTo(2);
        assertThat(tokenizer.count("abcabcc")).isEqualTo(3);
    }

    @Test
    void oneInstanceCountsCorrectlyFromManyThreadsAtOnce() throws Exception {
        HuggingFaceTokenizerFile tokenizer = HuggingFaceTokenizerFile.load(TinyTokenizers.wordLevel(dir));
        List<Callable<Boolean>> counts = IntStream.range(0, 64)
                .<Callable<Boolean>>mapToObj(i -> () -> {
                    String text = "word, ".repeat(i + 1);
                    for (int round = 0; round < 50; round++) {
                        if (tokenizer.count(text) != 2 * (i + 1)) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (Future<Boolean> result : threads.invokeAll(counts)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aMissingFileOrOneThatIsNoTokenizerIsRefusedNamingIt() throws Exception {
        Path missing = dir.resolve("missing/tokenizer.json");
        assertThatThrownBy(() -> HuggingFaceTokenizerFile.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("there is no readable file " + missing.toAbsolutePath());

        Path notATokenizer = Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 32000}");
        assertThatThrownBy(() -> HuggingFaceTokenizerFile.load(notATokenizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(notATokenizer.toAbsolutePath() + " is not a Hugging Face tokenizer.json");

        assertThatThrownBy(() -> HuggingFaceTokenizerFile.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no readable file");
    }
}
