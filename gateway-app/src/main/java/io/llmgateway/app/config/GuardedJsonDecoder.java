package io.llmgateway.app.config;

import io.llmgateway.core.json.JsonTextGuard;
import java.nio.ByteBuffer;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.util.MimeType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON decoder of every request body: {@link JsonTextGuard} reads the joined body first, so a NUL, an unpaired
 * surrogate, an out-of-range number or a nesting too deep is a 400 naming the field before anything is parsed, and
 * nothing the store or an upstream cannot hold gets into the gateway.
 */
final class GuardedJsonDecoder extends JacksonJsonDecoder {

    GuardedJsonDecoder(JsonMapper mapper) {
        super(mapper);
    }

    @Override
    public Object decode(
            DataBuffer body,
            ResolvableType targetType,
            @Nullable MimeType mimeType,
            @Nullable Map<String, Object> hints) {
        try {
            JsonTextGuard guard = new JsonTextGuard();
            try (DataBuffer.ByteBufferIterator buffers = body.readableByteBuffers()) {
                while (buffers.hasNext()) {
                    ByteBuffer buffer = buffers.next();
                    guard.feed(buffer);
                }
            }
            guard.finish();
        } catch (RuntimeException refused) {
            DataBufferUtils.release(body);
            throw refused;
        }
        return super.decode(body, targetType, mimeType, hints);
    }
}
