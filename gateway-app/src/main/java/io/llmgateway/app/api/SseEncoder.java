package io.llmgateway.app.api;

import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ErrorBody;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import tools.jackson.databind.json.JsonMapper;

/** Writes server-sent events in OpenAI's framing: {@code data: <json>\n\n}, and {@code data: [DONE]\n\n} last. */
public final class SseEncoder {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** A content chunk's event is 150-300 bytes; the buffer grows for a larger one. */
    private static final int TYPICAL_CHUNK_EVENT_BYTES = 512;
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;

    public SseEncoder(JsonMapper json) {
        this.json = json;
    }

    /** The chunk's event, its JSON written straight into the buffer that goes to the network. */
    public DataBuffer chunk(ChatCompletionChunk chunk, DataBufferFactory buffers) {
        DataBuffer buffer = buffers.allocateBuffer(TYPICAL_CHUNK_EVENT_BYTES);
        try {
            buffer.write(PREFIX);
            json.writeValue(buffer.asOutputStream(), chunk);
            buffer.write(SUFFIX);
            return buffer;
        } catch (RuntimeException e) {
            DataBufferUtils.release(buffer);
            throw e;
        }
    }

    /** The event that reports a failure after the stream has started; no {@code [DONE]} follows it. */
    public DataBuffer error(ErrorBody error, DataBufferFactory buffers) {
        return event(json.writeValueAsBytes(error), buffers);
    }

    public DataBuffer done(DataBufferFactory buffers) {
        return buffers.wrap(DONE);
    }

    private static DataBuffer event(byte[] payload, DataBufferFactory buffers) {
        DataBuffer buffer = buffers.allocateBuffer(PREFIX.length + payload.length + SUFFIX.length);
        buffer.write(PREFIX);
        buffer.write(payload);
        buffer.write(SUFFIX);
        return buffer;
    }
}
