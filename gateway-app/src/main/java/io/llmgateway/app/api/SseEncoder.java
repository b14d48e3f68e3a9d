package io.llmgateway.app.api;

import io.llmgateway.core.protocol.ErrorBody;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own server-sent events in OpenAI's framing ({@code data: <json>\n\n}): the final
 * {@code data: [DONE]}, and the error event that ends a stream which failed after it started. The chunks between
 * are the upstream's, framed by the pipeline.
 */
final class SseEncoder {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonMapper json;

    SseEncoder(JsonMapper json) {
        this.json = json;
    }

    /** The event that reports a failure after the stream has started; no {@code [DONE]} follows it. */
    DataBuffer error(ErrorBody error, DataBufferFactory buffers) {
        byte[] payload = json.writeValueAsBytes(error);
        DataBuffer buffer = buffers.allocateBuffer(PREFIX.length + payload.length + SUFFIX.length);
        buffer.write(PREFIX);
        buffer.write(payload);
        buffer.write(SUFFIX);
        return buffer;
    }

    DataBuffer done(DataBufferFactory buffers) {
        return buffers.wrap(DONE);
    }
}
