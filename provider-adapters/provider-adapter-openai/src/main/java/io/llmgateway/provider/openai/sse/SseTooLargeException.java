package io.llmgateway.provider.openai.sse;

/** An event stream whose line, event or whole length went past its limit; the message says which. */
public final class SseTooLargeException extends RuntimeException {

    public SseTooLargeException(String message) {
        super(message, null, false, false);
    }
}
