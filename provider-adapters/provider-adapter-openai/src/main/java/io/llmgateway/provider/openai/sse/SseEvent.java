package io.llmgateway.provider.openai.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event: its {@code event} type (null when the event named none) and its data, the
 * {@code data:} lines joined by newlines.
 *
 * <p>The data is kept as the UTF-8 bytes that arrived, so that a JSON reader can parse them without first
 * decoding them to a {@link String}; {@link #data()} decodes them when text is wanted.
 */
public final class SseEvent {

    /** OpenAI's end-of-stream sentinel. */
    public static final String DONE = "[DONE]";

    private static final byte[] DONE_BYTES = DONE.getBytes(StandardCharsets.US_ASCII);

    private final @Nullable String event;
    private final byte[] data;

    public SseEvent(@Nullable String event, String data) {
        this(event, data.getBytes(StandardCharsets.UTF_8));
    }

    private SseEvent(@Nullable String event, byte[] data) {
        this.event = event;
        this.data = data;
    }

    /** An event over UTF-8 data the caller hands over: the array is the event's from now on. */
    static SseEvent ofUtf8(@Nullable String event, byte[] data) {
        return new SseEvent(event, data);
    }

    public @Nullable String event() {
        return event;
    }

    /** The data as text. */
    public String data() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The data's UTF-8 bytes, not copied: read them, never change them. */
    public byte[] utf8Data() {
        return data;
    }

    public boolean isDone() {
        return Arrays.equals(DONE_BYTES, data);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof SseEvent that && Objects.equals(event, that.event) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(event) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        // the length only: the data is model output, which stays out of logs
        return "SseEvent[event=" + event + ", data=" + data.length + " bytes]";
    }
}
