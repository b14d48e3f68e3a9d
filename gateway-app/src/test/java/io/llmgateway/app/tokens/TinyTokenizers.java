package io.llmgateway.app.tokens;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Small Hugging Face {@code tokenizer.json} files written by tests, whose counts anyone can check by hand and which
 * clearly differ from {@code cl100k_base}'s.
 */
public final class TinyTokenizers {

    /** What the {@code Whitespace} pre-tokenizer splits ASCII text into: runs of word characters, or of others. */
    private static final Pattern WORD_PIECES = Pattern.compile("\\w+|[^\\w\\s]+");

    private TinyTokenizers() {}

    /**
     * A word-level tokenizer: every run of word characters or of punctuation is one token (words outside its little
     * vocabulary are {@code [UNK]}, still one token), however long. Its file says to add {@code [CLS]} and
     * {@code [SEP]} and to truncate at 8 tokens, neither of which counting must do.
     */
    public static Path wordLevel(Path dir) {
        return write(dir.resolve("word-level/tokenizer.json"), """
                {"version": "1.0",
                 "truncation": {"direction": "Right", "max_length": 8, "strategy": "LongestFirst", "stride": 0},
                 "padding": null,
                 "added_tokens": [
                   {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
                    "normalized": false, "special": true},
                   {"id": 1, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false,
                    "normalized": false, "special": true},
                   {"id": 2, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false,
                    "normalized": false, "special": true}],
                 "normalizer": {"type": "Lowercase"},
                 "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]},
                 "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]",
                           "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "user": 3, "system": 4, "assistant": 5,
                                     "hello": 6, "please": 7, ",": 8, ".": 9, "!": 10}}}
                """);
    }

    /** The tokens of an ASCII text by {@link #wordLevel}: its word pieces. */
    public static int wordLevelCount(String text) {
        return (int) WORD_PIECES.matcher(text).results().count();
    }

    /**
     * A byte-pair tokenizer of the letters a, b and c with two merges ("a b" then "ab c"), so "abc" is one token,
     * "ab" one and "cab" two; no pre-tokenizer, so the whole text is one word.
     */
    public static Path bytePair(Path dir) {
        return write(dir.resolve("bpe/tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,
                 "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                           "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
                           "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "abc": 4},
                           "merges": ["a b", "ab c"]}}
                """);
    }

    private static Path write(Path file, String json) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
