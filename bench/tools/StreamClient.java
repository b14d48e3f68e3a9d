import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming load of bench/run.sh: {@code connections} clients, each sending the streamed chat completion again
 * as soon as its previous stream ended, for {@code seconds}. For every stream it measures the time to the first
 * byte of the body, which is the first SSE event ("time to first token"), and the time to the end, and checks that
 * the stream ended with {@code data: [DONE]}. JDK only, run with the source launcher:
 *
 * <pre>java StreamClient.java URL CONNECTIONS SECONDS [Header: value]...</pre>
 *
 * The body is the one of wrk/chat.lua's streaming mode. Prints one parseable line:
 * {@code STREAM_RESULT streams=N rps=X ttft_p50_us=N ttft_p99_us=N ttft_p999_us=N end_p50_us=N end_p99_us=N
 * errors=N}. A stream counts only when it started and ended inside the measured window.
 */
public class StreamClient {

    private static final String BODY = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say hello in one short sentence.\"}],\"max_tokens\":32,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java StreamClient.java URL CONNECTIONS SECONDS [Header: value]...");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        HttpRequest.Builder template = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(BODY));
        for (int i = 3; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            template.header(args[i].substring(0, colon).trim(), args[i].substring(colon + 1).trim());
        }
        HttpRequest request = template.build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        Results results = new Results();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            loops.add(loop(client, request, end, results));
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] ttft = results.ttft();
        long[] total = results.total();
        System.out.printf("STREAM_RESULT streams=%d rps=%.2f ttft_p50_us=%d ttft_p99_us=%d ttft_p999_us=%d"
                        + " end_p50_us=%d end_p99_us=%d errors=%d%n", ttft.length, ttft.length / elapsed,
                percentile(ttft, 50), percentile(ttft, 99), percentile(ttft, 99.9),
                percentile(total, 50), percentile(total, 99), results.errors.get());
        System.exit(0);
    }

    /** One client: a stream, then the next, until the end of the window. */
    private static CompletableFuture<Void> loop(HttpClient client, HttpRequest request, long end, Results results) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        long sent = System.nanoTime();
        Timing timing = new Timing();
        return client.sendAsync(request, info -> timing)
                .handle((response, error) -> {
                    if (error != null || response.statusCode() != 200 || !timing.done) {
                        results.errors.incrementAndGet();
                    } else if (timing.ended <= end) {
                        results.add(timing.firstByte - sent, timing.ended - sent);
                    }
                    return null;
                })
                .thenCompose(ignored -> loop(client, request, end, results));
    }

    /** Reads a stream, noting when its first byte and its end arrived and whether it ended with [DONE]. */
    private static final class Timing implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private final byte[] tail = new byte[64];
        private int tailLength;
        private boolean seen;
        private long firstByte;
        private long ended;
        private boolean done;

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int length = buffer.remaining();
                if (length == 0) {
                    continue;
                }
                if (!seen) {
                    seen = true;
                    firstByte = System.nanoTime();
                }
                // keep the last bytes only: enough to see the final data: [DONE]
                if (length >= tail.length) {
                    buffer.position(buffer.limit() - tail.length);
                    buffer.get(tail);
                    tailLength = tail.length;
                } else {
                    int keep = Math.min(tailLength, tail.length - length);
                    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                    buffer.get(tail, keep, length);
                    tailLength = keep + length;
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            ended = System.nanoTime();
            done = seen && new String(tail, 0, tailLength, StandardCharsets.US_ASCII).strip()
                    .endsWith(new String(DONE, StandardCharsets.US_ASCII));
            body.complete(null);
        }
    }

    private static final class Results {
        private final List<long[]> samples = new ArrayList<>();
        private final AtomicLong errors = new AtomicLong();

        synchronized void add(long ttftNanos, long totalNanos) {
            samples.add(new long[] {ttftNanos / 1000, totalNanos / 1000});
        }

        synchronized long[] ttft() {
            return samples.stream().mapToLong(sample -> sample[0]).sorted().toArray();
        }

        synchronized long[] total() {
            return samples.stream().mapToLong(sample -> sample[1]).sorted().toArray();
        }
    }

    private static long percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
