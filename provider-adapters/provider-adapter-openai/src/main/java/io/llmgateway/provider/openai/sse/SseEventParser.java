package io.llmgateway.provider.openai.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An incremental parser of the {@code text/event-stream} format, fed bytes as they arrive from the network.
 *
 * <p>It follows the WHATWG rules that upstreams rely on: lines end with {@code \n}, {@code \r\n} or {@code \r},
 * even when the two bytes of a {@code \r\n} arrive in different reads; several {@code data:} lines of one event
 * are joined with {@code \n}; lines starting with {@code :} are comments; one space after the colon is dropped;
 * a blank line dispatches the event. Unlike a browser, {@link #finish()} also dispatches an event that the
 * upstream did not terminate with a blank line before closing: nothing the upstream sent is lost.
 *
 * <p>Splitting on bytes is safe for UTF-8 because {@code \r} and {@code \n} never occur inside a multi-byte
 * character. One parser serves one stream; it is not thread-safe.
 *
 * <p>A line or an event's data longer than {@code maxEventBytes} fails the stream with {@link SseTooLargeException}
 * as soon as it is seen, so an upstream that never ends a line cannot make the parser hold more than that.
 */
public final class SseEventParser {

    /** The largest line or event data a parser holds unless told otherwise. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private final int maxEventBytes;
    private byte[] line;
    private int lineLength;
    private boolean previousWasCarriageReturn;
    /** The event's data so far, its {@code data:} lines joined by {@code \n}; null before its first one. */
    private byte @Nullable [] data;

    private @Nullable String eventType;

    public SseEventParser() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseEventParser(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        this.line = new byte[Math.min(256, maxEventBytes)];
    }

    /**
     * Feeds the next bytes; returns the events they complete, in order (usually zero or one).
     *
     * @throws SseTooLargeException when a line or an event grows past the limit
     */
    public List<SseEvent> feed(byte[] bytes, int offset, int length) {
        List<SseEvent> events = null;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n' && previousWasCarriageReturn) {
                previousWasCarriageReturn = false;
                continue;
            }
            previousWasCarriageReturn = b == '\r';
            if (b == '\n' || b == '\r') {
                SseEvent event = endLine();
                if (event != null) {
                    if (events == null) {
                        events = new ArrayList<>(2);
                    }
                    events.add(event);
                }
            } else {
                append(b);
            }
        }
        return events == null ? List.of() : events;
    }

    /** The stream has ended: the last line and the last event, if the upstream left them unterminated. */
    public List<SseEvent> finish() {
        List<SseEvent> events = new ArrayList<>(1);
        if (lineLength > 0) {
            SseEvent event = endLine();
            if (event != null) {
                events.add(event);
            }
        }
        SseEvent pending = dispatch();
        if (pending != null) {
            events.add(pending);
        }
        return events;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= maxEventBytes) {
                throw new SseTooLargeException("a line of the event stream is longer than " + maxEventBytes + " bytes");
            }
            line = Arrays.copyOf(line, (int) Math.min(maxEventBytes, line.length * 2L));
        }
        line[lineLength++] = b;
    }

    private @Nullable SseEvent endLine() {
        if (lineLength == 0) {
            return dispatch();
        }
        if (line[0] == ':') {
            lineLength = 0;
            return null;
        }
        int colon = indexOfColon();
        int fieldEnd = colon < 0 ? lineLength : colon;
        int valueStart = colon < 0 ? lineLength : colon + 1;
        if (valueStart < lineLength && line[valueStart] == ' ') {
            valueStart++;
        }
        if (isField(DATA, fieldEnd)) {
            appendData(valueStart);
        } else if (isField(EVENT, fieldEnd)) {
            eventType = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
        }
        // "id", "retry" and unknown fields carry nothing a chat completion needs
        lineLength = 0;
        return null;
    }

    private boolean isField(byte[] name, int fieldEnd) {
        return fieldEnd == name.length && Arrays.equals(line, 0, fieldEnd, name, 0, name.length);
    }

    private void appendData(int valueStart) {
        if ((data == null ? 0 : data.length + 1L) + lineLength - valueStart > maxEventBytes) {
            throw new SseTooLargeException("an event of the event stream is longer than " + maxEventBytes + " bytes");
        }
        if (data == null) {
            data = Arrays.copyOfRange(line, valueStart, lineLength);
            return;
        }
        int joinedAt = data.length;
        int valueLength = lineLength - valueStart;
        data = Arrays.copyOf(data, joinedAt + 1 + valueLength);
        data[joinedAt] = '\n';
        System.arraycopy(line, valueStart, data, joinedAt + 1, valueLength);
    }

    private int indexOfColon() {
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private @Nullable SseEvent dispatch() {
        if (data == null) {
            eventType = null;
            return null;
        }
        SseEvent event = SseEvent.ofUtf8(eventType, data);
        data = null;
        eventType = null;
        return event;
    }
}
