package io.llmgateway.provider.openai.sse;

/**
 * One server-sent event: its {@code event} type (null when the event named none) and its data, the
 * {@code data:} lines joined by newlines.
 */
public record SseEvent(String event, String data) {

    /** OpenAI's end-of-stream sentinel. */
    public static final String DONE = "[DONE]";

    public boolean isDone() {
        return DONE.equals(data);
    }
}
