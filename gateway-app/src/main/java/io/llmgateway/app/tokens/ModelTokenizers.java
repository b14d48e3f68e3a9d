package io.llmgateway.app.tokens;

import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.core.tokens.TokenCounter;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The models' tokenizers, from their {@code gateway.models[i].tokenizer} setting: a tiktoken encoding by name
 * ({@code cl100k_base}, the default, {@code o200k_base}, ...) or a Hugging Face {@code tokenizer.json} file (a path
 * ending in {@code .json}, or a {@code file:} URL). Each is loaded once, when the routes are built at start-up, and
 * shared by every model that names it; nothing is loaded while requests are served.
 */
public final class ModelTokenizers {

    /** The tokenizer of a model that names none. */
    public static final String DEFAULT = "cl100k_base";

    private final Map<String, TokenCounter> loaded = new ConcurrentHashMap<>();
    private final TokenCounter defaultCounter;

    public ModelTokenizers() {
        this.defaultCounter = encoding(DEFAULT);
    }

    /** The counter with {@value #DEFAULT}. */
    public TokenCounter defaultCounter() {
        return defaultCounter;
    }

    /**
     * The counter of a model's {@code tokenizer} setting; the default one for null or blank.
     *
     * @throws IllegalArgumentException saying why the setting names no tokenizer (an unknown encoding, a missing
     *     file, a file that is not a tokenizer)
     */
    public TokenCounter counter(String setting) {
        if (setting == null || setting.isBlank()) {
            return defaultCounter;
        }
        Path file = file(setting.strip());
        if (file == null) {
            return encoding(setting);
        }
        Path absolute = file.toAbsolutePath().normalize();
        return loaded.computeIfAbsent(
                absolute.toString(), path -> new TokenCounter(HuggingFaceTokenizerFile.load(absolute)));
    }

    private TokenCounter encoding(String setting) {
        return loaded.computeIfAbsent(setting.strip().toLowerCase(Locale.ROOT), name -> {
            if (!TiktokenTokenizer.names().contains(name)) {
                throw new IllegalArgumentException("'" + setting + "' is neither a tiktoken encoding (known are "
                        + String.join(", ", TiktokenTokenizer.names()) + ") nor a Hugging Face tokenizer.json"
                        + " file (a path ending in .json, or a file: URL)");
            }
            return new TokenCounter(TiktokenTokenizer.named(name));
        });
    }

    /** The file a setting names, or null when it names an encoding. */
    private static @Nullable Path file(String setting) {
        if (setting.regionMatches(true, 0, "file:", 0, 5)) {
            String path = setting.substring(5);
            if (!path.startsWith("//")) {
                return Path.of(path);
            }
            try {
                return Path.of(URI.create(setting));
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                throw new IllegalArgumentException("'" + setting + "' is not a file URL: " + e.getMessage());
            }
        }
        return setting.toLowerCase(Locale.ROOT).endsWith(".json") ? Path.of(setting) : null;
    }
}
