package io.llmgateway.app.api;

import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ErrorBody;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import tools.jackson.databind.json.JsonMapper;

/** Writes server-sent events in OpenAI's framing: {@code data: <json>\n\n}, and {@code data: [DONE]\n\n} last. */
public final class SseEncoder {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;

    public SseEncoder(JsonMapper json) {
        this.json = json;
    }

    public DataBuffer chunk(ChatCompletionChunk chunk, DataBufferFactory buffers) {
        return event(json.writeValueAsBytes(chunk), buffers);
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
