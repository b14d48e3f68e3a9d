import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming load of bench/run.sh: {@code connections} clients, each sending the streamed chat completion again
 * as soon as its previous stream ended, for {@code seconds}. For every stream it measures the time to the first
 * byte of the body, which is the first SSE event ("time to first token"), and the time to the end, and checks that
 * the stream ended with {@code data: [DONE]}. JDK only, run with the source launcher:
 *
 * <pre>java StreamClient.java URL CONNECTIONS SECONDS [Header: value]...</pre>
 *
 * The body is the one of wrk/chat.lua's streaming mode, with the model {@code STREAM_MODEL} (environment, default
 * {@code bench-model}).
 *
 * <p>With {@code STREAM_RATE=r} (environment) the load is open instead: streams start at about {@code r} per second
 * as Poisson arrivals, whether or not the earlier ones have ended (CONNECTIONS is then ignored), and each one's
 * times count from the moment it was due, so that a client that fell behind cannot hide a slow target.
 *
 * <p>Prints one parseable line:
 * {@code STREAM_RESULT streams=N rps=X ttft_p50_us=N ttft_p99_us=N ttft_p999_us=N end_p50_us=N end_p99_us=N
 * errors=N events_min=N events_max=N gap_p50_us=N gap_p99_us=N gap_max_us=N streams_sent=N events_total=N}. A
 * stream counts in the percentiles only when it started and ended inside the measured window; {@code streams_sent}
 * and {@code events_total} count every stream sent and every SSE event received over the whole run (the streams
 * still open at the end of the window are read to their end), to divide the target's CPU over the run by. {@code events} are the SSE events a stream carried; {@code gap} is, per
 * stream, the longest pause between two reads after its first byte (its percentiles over the streams). After it,
 * one {@code STREAM_ERROR kind: count} line per kind of failure (an exception's root cause, a status, no [DONE]).
 *
 * <p>Two more settings (environment): {@code STREAM_WARMUP=s} first runs the same load for {@code s} seconds and
 * forgets it (this client's own JIT warms up, its connections open); {@code CPU_PIDS="pid pid..."} reads the CPU
 * time (user + system, in clock ticks, {@code /proc/PID/stat}) of those processes when the measured load starts and
 * once its last stream has ended, and prints {@code STREAM_CPU window_cpu_ticks=N}: the target's CPU over exactly
 * the streams counted in {@code streams_sent} and {@code events_total}.
 */
public class StreamClient {

    private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":"
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
        String model = System.getenv().getOrDefault("STREAM_MODEL", "bench-model");
        HttpRequest.Builder template = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(String.format(BODY, model)));
        for (int i = 3; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            template.header(args[i].substring(0, colon).trim(), args[i].substring(colon + 1).trim());
        }
        HttpRequest request = template.build();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        String rate = System.getenv("STREAM_RATE");
        long warmup = Long.parseLong(System.getenv().getOrDefault("STREAM_WARMUP", "0").trim());
        if (warmup > 0) {
            load(client, request, connections, warmup, rate, new Results());
        }
        String[] cpuPids = System.getenv().getOrDefault("CPU_PIDS", "").trim().split("\\s+");
        long cpuBefore = cpuTicks(cpuPids);
        long start = System.nanoTime();
        Results results = new Results();
        load(client, request, connections, seconds, rate, results);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = cpuTicks(cpuPids) - cpuBefore;
        long[] ttft = results.column(0);
        long[] total = results.column(1);
        long[] events = results.column(2);
        long[] gaps = results.column(3);
        System.out.printf("STREAM_RESULT streams=%d rps=%.2f ttft_p50_us=%d ttft_p99_us=%d ttft_p999_us=%d"
                        + " end_p50_us=%d end_p99_us=%d errors=%d events_min=%d events_max=%d gap_p50_us=%d"
                        + " gap_p99_us=%d gap_max_us=%d streams_sent=%d events_total=%d%n", ttft.length,
                ttft.length / elapsed,
                percentile(ttft, 50), percentile(ttft, 99), percentile(ttft, 99.9),
                percentile(total, 50), percentile(total, 99), results.errors.get(),
                events.length == 0 ? 0 : events[0], events.length == 0 ? 0 : events[events.length - 1],
                percentile(gaps, 50), percentile(gaps, 99), gaps.length == 0 ? 0 : gaps[gaps.length - 1],
                results.sent.get(), results.events.get());
        if (cpuPids.length > 0 && !cpuPids[0].isEmpty()) {
            System.out.printf("STREAM_CPU window_cpu_ticks=%d%n", cpu);
        }
        results.kinds.forEach((kind, count) -> System.out.printf("STREAM_ERROR %s: %d%n", kind, count.get()));
        System.exit(0);
    }

    /** The load for {@code seconds}, open (at {@code rate}) or closed, until its last stream has ended. */
    private static void load(HttpClient client, HttpRequest request, int connections, long seconds, String rate,
                             Results results) {
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<CompletableFuture<Void>> streams = new ArrayList<>();
        if (rate != null && !rate.isBlank()) {
            // open load: a stream is due every exponentially distributed pause of mean 1/rate seconds
            double meanNanos = 1e9 / Double.parseDouble(rate.trim());
            long due = start;
            while (due < end) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                streams.add(one(client, request, due, end, results));
                due += (long) (-meanNanos * Math.log(1 - ThreadLocalRandom.current().nextDouble()));
            }
        } else {
            for (int i = 0; i < connections; i++) {
                streams.add(loop(client, request, end, results));
            }
        }
        CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).join();
    }

    /** The CPU time (user + system, clock ticks) the processes have used so far; 0 for those that are gone. */
    private static long cpuTicks(String[] pids) {
        long ticks = 0;
        for (String pid : pids) {
            if (pid.isEmpty()) {
                continue;
            }
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
                // the fields after the command name (which may hold spaces), from the state on: utime is the 12th
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (java.io.IOException | RuntimeException gone) {
                // the process ended
            }
        }
        return ticks;
    }

    /** One client: a stream, then the next, until the end of the window. */
    private static CompletableFuture<Void> loop(HttpClient client, HttpRequest request, long end, Results results) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        return one(client, request, System.nanoTime(), end, results)
                .thenCompose(ignored -> loop(client, request, end, results));
    }

    /** One stream, due at {@code sent}; it counts in the percentiles if it ends by {@code end}. */
    private static CompletableFuture<Void> one(HttpClient client, HttpRequest request, long sent, long end,
                                               Results results) {
        Timing timing = new Timing();
        results.sent.incrementAndGet();
        return client.sendAsync(request, info -> timing)
                .handle((response, error) -> {
                    results.events.addAndGet(timing.events);
                    if (error != null || response.statusCode() != 200 || !timing.done) {
                        results.errors.incrementAndGet();
                        results.kinds.computeIfAbsent(error != null ? rootCause(error).getClass().getSimpleName()
                                        : response.statusCode() != 200 ? "status " + response.statusCode()
                                        : "no [DONE]", kind -> new AtomicLong()).incrementAndGet();
                    } else if (timing.ended <= end) {
                        results.add(timing.firstByte - sent, timing.ended - sent, timing.events, timing.longestGap);
                    }
                    return null;
                });
    }

    /** Reads a stream, noting when its first byte and its end arrived and whether it ended with [DONE]. */
    private static final class Timing implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private final byte[] tail = new byte[64];
        private int tailLength;
        private boolean seen;
        private long firstByte;
        private long lastRead;
        private long longestGap;
        private long events;
        private byte previous;
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
                long now = System.nanoTime();
                if (!seen) {
                    seen = true;
                    firstByte = now;
                } else {
                    longestGap = Math.max(longestGap, now - lastRead);
                }
                lastRead = now;
                // an SSE event ends with an empty line: count "\n\n", also across two reads
                for (int i = buffer.position(); i < buffer.limit(); i++) {
                    byte b = buffer.get(i);
                    if (b == '\n' && previous == '\n') {
                        events++;
                    }
                    previous = b;
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
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong events = new AtomicLong();
        private final Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();

        synchronized void add(long ttftNanos, long totalNanos, long events, long longestGapNanos) {
            samples.add(new long[] {ttftNanos / 1000, totalNanos / 1000, events, longestGapNanos / 1000});
        }

        /** One measure over all streams, sorted: 0 ttft, 1 end, 2 events, 3 longest gap. */
        synchronized long[] column(int index) {
            return samples.stream().mapToLong(sample -> sample[index]).sorted().toArray();
        }
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static long percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
