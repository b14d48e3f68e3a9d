package io.llmgateway.provider.openai.internal;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads an upstream's answer body into one array, and fails once it grows past a limit, so that an answer too large
 * for memory is refused before it is held whole. Each network read is copied as it arrives (the buffer is the
 * transport's to release), into an array sized by the {@code Content-Length} when the upstream sent one (up to
 * 64 KB at first, so that an announced length alone does not reserve memory).
 */
public final class BoundedBody {

    private static final byte[] EMPTY = new byte[0];

    private BoundedBody() {}

    /**
     * The whole body; an empty array when there is none.
     *
     * @param contentLength the announced length, or a negative number when the upstream did not say
     * @param tooLarge      what to fail with when the body is longer than {@code limit} bytes
     */
    public static Mono<byte[]> read(
            Flux<ByteBuf> body, long contentLength, int limit, Supplier<? extends Throwable> tooLarge) {
        if (contentLength > limit) {
            return Mono.error(tooLarge);
        }
        return Mono.defer(() -> {
            // sized by the announced length up to 64 KB: beyond, the array grows as the bytes actually arrive
            Accumulator into =
                    new Accumulator(contentLength < 0 ? 1024 : (int) Math.min(contentLength, 64 * 1024), limit);
            return body.<byte[]>handle((read, sink) -> {
                        if (!into.append(read)) {
                            sink.error(tooLarge.get());
                        }
                    })
                    .then(Mono.fromSupplier(into::bytes));
        });
    }

    /** The bytes read so far. */
    private static final class Accumulator {

        private final int limit;
        private byte[] bytes;
        private int length;

        Accumulator(int expected, int limit) {
            this.limit = limit;
            this.bytes = expected == 0 ? EMPTY : new byte[expected];
        }

        /** False when the read would take the body past the limit. */
        boolean append(ByteBuf read) {
            int count = read.readableBytes();
            if ((long) length + count > limit) {
                return false;
            }
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) length + count, 2L * bytes.length)));
            }
            read.getBytes(read.readerIndex(), bytes, length, count);
            length += count;
            return true;
        }

        byte[] bytes() {
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }
    }
}
