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
     * @param body the network's reads, each retained for this decoder, which releases it once read (or discarded
     *             unread, when the stream is cancelled with reads still queued)
     */
    public static Flux<SseEvent> decode(Flux<ByteBuf> body) {
        return Flux.defer(() -> {
            StreamReader reader = new StreamReader();
            return body.concatMapIterable(reader::feed)
                    .concatWith(Flux.defer(() -> Flux.fromIterable(reader.parser.finish())))
                    .doOnDiscard(ByteBuf.class, SseDecoder::release);
        });
    }

    private static void release(ByteBuf read) {
        if (read.refCnt() > 0) {
            read.release();
        }
    }

    /** One stream's parser, and the array each network read is copied into: one per stream, not one per read. */
    private static final class StreamReader {

        private final SseEventParser parser = new SseEventParser();
        private byte[] read = new byte[4096];

        List<SseEvent> feed(ByteBuf buffer) {
            try {
                int length = buffer.readableBytes();
                if (length > read.length) {
                    read = new byte[Math.max(length, read.length * 2)];
                }
                buffer.readBytes(read, 0, length);
                return parser.feed(read, 0, length);
            } finally {
                buffer.release();
            }
        }
    }
}
