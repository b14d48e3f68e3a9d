package io.llmgateway.provider.openai.sse;

import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

/** Turns a response body, as the network delivers it, into server-sent events without buffering the stream. */
public final class SseDecoder {

    private SseDecoder() {
    }

    /** Events in order, each emitted as soon as its terminating blank line has arrived. */
    public static Flux<SseEvent> decode(Flux<DataBuffer> body) {
        return Flux.defer(() -> {
            SseEventParser parser = new SseEventParser();
            return body.concatMapIterable(buffer -> feed(parser, buffer))
                    .concatWith(Flux.defer(() -> Flux.fromIterable(parser.finish())));
        });
    }

    private static List<SseEvent> feed(SseEventParser parser, DataBuffer buffer) {
        try {
            int length = buffer.readableByteCount();
            byte[] bytes = new byte[length];
            buffer.read(bytes);
            return parser.feed(bytes, 0, length);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
