package io.llmgateway.provider.openai.sse;

import io.netty.buffer.ByteBuf;
import java.util.List;
import reactor.core.publisher.Flux;

/** Turns a response body, as the network delivers it, into server-sent events without buffering the stream. */
public final class SseDecoder {

    private SseDecoder() {
    }

    /**
     * Events in order, each emitted as soon as its terminating blank line has arrived.
     *
     * @param body the network's reads. Each is copied as it is delivered, inside its {@code onNext}, and never kept
     *             or released: it stays its publisher's (Reactor Netty releases a read once its {@code onNext}
     *             returns). Only parsed events wait for demand, so a cancelled stream leaves no buffer behind.
     */
    public static Flux<SseEvent> decode(Flux<ByteBuf> body) {
        return Flux.defer(() -> {
            StreamReader reader = new StreamReader();
            return body.map(reader::feed)
                    .concatMapIterable(events -> events)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(reader.parser.finish())));
        });
    }

    /** One stream's parser, and the array each network read is copied into: one per stream, not one per read. */
    private static final class StreamReader {

        private final SseEventParser parser = new SseEventParser();
        private byte[] read = new byte[4096];

        List<SseEvent> feed(ByteBuf buffer) {
            int length = buffer.readableBytes();
            if (length > read.length) {
                read = new byte[Math.max(length, read.length * 2)];
            }
            buffer.getBytes(buffer.readerIndex(), read, 0, length);
            return parser.feed(read, 0, length);
        }
    }
}
