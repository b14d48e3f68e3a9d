package io.llmgateway.provider.openai.sse;

import io.netty.buffer.ByteBuf;
import java.util.List;
import reactor.core.publisher.Flux;

/** Turns a response body, as the network delivers it, into server-sent events without buffering the stream. */
public final class SseDecoder {

    private SseDecoder() {}

    /** Events in order, with the default limits: {@link SseEventParser#DEFAULT_MAX_EVENT_BYTES}, no total. */
    public static Flux<SseEvent> decode(Flux<ByteBuf> body) {
        return decode(body, SseEventParser.DEFAULT_MAX_EVENT_BYTES, Long.MAX_VALUE);
    }

    /**
     * Events in order, each emitted as soon as its terminating blank line has arrived.
     *
     * @param body           the network's reads. Each is copied as it is delivered, inside its {@code onNext}, and
     *                       never kept or released: it stays its publisher's (Reactor Netty releases a read once its
     *                       {@code onNext} returns). Only parsed events wait for demand, so a cancelled stream leaves
     *                       no buffer behind.
     * @param maxEventBytes  the longest line or event; beyond, the stream fails with {@link SseTooLargeException}
     * @param maxStreamBytes the most bytes the whole stream may have; beyond, it fails the same way
     */
    public static Flux<SseEvent> decode(Flux<ByteBuf> body, int maxEventBytes, long maxStreamBytes) {
        return Flux.defer(() -> {
            StreamReader reader = new StreamReader(maxEventBytes, maxStreamBytes);
            return body.map(reader::feed)
                    .concatMapIterable(events -> events)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(reader.parser.finish())));
        });
    }

    /** One stream's parser, and the array each network read is copied into: one per stream, not one per read. */
    private static final class StreamReader {

        private final SseEventParser parser;
        private final long maxStreamBytes;
        private long streamBytes;
        private byte[] read = new byte[4096];

        StreamReader(int maxEventBytes, long maxStreamBytes) {
            this.parser = new SseEventParser(maxEventBytes);
            this.maxStreamBytes = maxStreamBytes;
        }

        List<SseEvent> feed(ByteBuf buffer) {
            int length = buffer.readableBytes();
            streamBytes += length;
            if (streamBytes > maxStreamBytes) {
                throw new SseTooLargeException("the event stream is longer than " + maxStreamBytes + " bytes");
            }
            if (length > read.length) {
                read = new byte[Math.max(length, read.length * 2)];
            }
            buffer.getBytes(buffer.readerIndex(), read, 0, length);
            return parser.feed(read, 0, length);
        }
    }
}
