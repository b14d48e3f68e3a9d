package io.llmgateway.core.tokens;

/**
 * One model's tokenizer, reduced to what the gateway needs of it: how many tokens a text is. Implementations count
 * exactly as the model's tokenizer splits the text, without special tokens (no beginning-of-text marker), are
 * thread-safe and do no I/O; load them at start-up, never on an event-loop thread.
 *
 * <p>A tokenizer alone may take time superlinear in the length of one word: count through a {@link TokenCounter},
 * which keeps counting linear whatever the text, and adds the framing of chat messages.
 */
public interface Tokenizer {

    /** What the tokenizer is, for messages and logs: an encoding name or a file. */
    String name();

    /** The tokens of a text, which is never null. */
    int count(String text);
}
