package io.llmgateway.app.tokens;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.llmgateway.core.tokens.Tokenizer;
import io.llmgateway.rag.embed.DjlNativeCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model's own Hugging Face tokenizer, read from its {@code tokenizer.json} and run by DJL (the Rust
 * {@code tokenizers} library, as the model's engine runs it). It counts a text's tokens without the special tokens
 * the file's post-processor would add (no beginning-of-text marker) and without truncation or padding: DJL would
 * otherwise cut every text at 512 tokens.
 *
 * <p>Loading reads and parses the whole file (for a 128k-token vocabulary, several megabytes and a fraction of a
 * second), so it is done once at start-up. The native tokenizer is immutable after loading and safe to share
 * between threads: one instance serves every request of every model that names the file, for the life of the
 * gateway.
 */
public final class HuggingFaceTokenizerFile implements Tokenizer {

    /** Counting, not model input: no special tokens, no truncation, no padding. */
    private static final Map<String, String> OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final Path file;
    private final HuggingFaceTokenizer tokenizer;

    private HuggingFaceTokenizerFile(Path file, HuggingFaceTokenizer tokenizer) {
        this.file = file;
        this.tokenizer = tokenizer;
    }

    /**
     * The tokenizer in that file.
     *
     * @throws IllegalArgumentException when the file cannot be read or is not a Hugging Face tokenizer, or when
     *     DJL's native tokenizer library cannot be loaded on this platform
     */
    public static HuggingFaceTokenizerFile load(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("there is no readable file " + file.toAbsolutePath());
        }
        DjlNativeCache.configure();
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, OPTIONS);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // the native library's parse errors, or no native library for this platform
            throw new IllegalArgumentException(
                    file.toAbsolutePath() + " is not a Hugging Face tokenizer.json (" + e.getMessage() + ")", e);
        }
        HuggingFaceTokenizerFile loaded = new HuggingFaceTokenizerFile(file.toAbsolutePath(), tokenizer);
        loaded.count("warm up");
        return loaded;
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public int count(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    @Override
    public String toString() {
        return "HuggingFaceTokenizerFile[" + file + "]";
    }
}
