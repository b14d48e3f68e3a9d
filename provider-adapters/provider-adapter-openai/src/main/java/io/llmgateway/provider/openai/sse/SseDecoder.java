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
            StreamReader reader = new StreamReader();
            return body.concatMapIterable(reader::feed)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(reader.parser.finish())));
        });
    }

    /** One stream's parser, and the array each network read is copied into: one per stream, not one per read. */
    private static final class StreamReader {

        private final SseEventParser parser = new SseEventParser();
        private byte[] read = new byte[4096];

        List<SseEvent> feed(DataBuffer buffer) {
            try {
                int length = buffer.readableByteCount();
                if (length > read.length) {
                    read = new byte[Math.max(length, read.length * 2)];
                }
                buffer.read(read, 0, length);
                return parser.feed(read, 0, length);
            } finally {
                DataBufferUtils.release(buffer);
            }
        }
    }
}
