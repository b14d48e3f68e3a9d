import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "The first requests after readiness, one at a time" of bench/run.sh: COUNT streamed chat completions through a
 * freshly started gateway, one after the other, each paired with the same request sent straight to the upstream
 * just before it (the upstream was warmed up first; this client warms itself up on the upstream before the first
 * pair). For every pair it measures the time to first token (the first byte of the body) of both, and reads the
 * gateway's {@code x-gateway-overhead-ms} header: the time the gateway says it added before the first byte. The
 * overhead the client observes is the gateway's time to first token minus the direct one of the same pair. JDK only:
 *
 * <pre>java FirstRequests.java DIRECT_URL GATEWAY_URL COUNT [Header: value]...</pre>
 *
 * Prints one line per pair, {@code PAIR i direct_ttft_us gateway_ttft_us header_us}, then
 * {@code FIRST_RESULT pairs=N errors=N direct_ttft_p50_us=N gateway_ttft_p50_us=N ttft_p50_diff_us=N
 * observed_overhead_p50_us=N header_p50_us=N header_minus_observed_p50_us=N header_minus_observed_p10_us=N
 * header_minus_observed_p90_us=N}: the medians over the pairs, where {@code observed_overhead} is the median of the
 * per-pair differences and {@code header_minus_observed} the median (and 10th, 90th percentile) of the per-pair
 * header minus observed overhead. A pair with a failed request (not 200, or no {@code data: [DONE]} at the end) is
 * counted in {@code errors} and left out. The second URL may be any proxy: one that sends no
 * {@code x-gateway-overhead-ms} (nginx, the floors) gets {@code header_us} -1 and the header's fields -1.
 */
public class FirstRequests {

    private static final String BODY = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say hello in one short sentence.\"}],\"max_tokens\":32,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";
    private static final int CLIENT_WARMUP = 50;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java FirstRequests.java DIRECT_URL GATEWAY_URL COUNT [Header: value]...");
            System.exit(2);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest direct = request(args[0], args);
        HttpRequest gateway = request(args[1], args);
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < CLIENT_WARMUP; i++) {
            one(client, direct);
        }
        List<long[]> pairs = new ArrayList<>();
        int errors = 0;
        for (int i = 1; i <= count; i++) {
            Answer d = one(client, direct);
            Answer g = one(client, gateway);
            if (d == null || g == null) {
                errors++;
                System.out.printf("PAIR %d failed%n", i);
                continue;
            }
            pairs.add(new long[] {d.ttftMicros, g.ttftMicros, g.headerMicros});
            System.out.printf("PAIR %d %d %d %d%n", i, d.ttftMicros, g.ttftMicros, g.headerMicros);
        }
        long[] directTtft = column(pairs, p -> p[0]);
        long[] gatewayTtft = column(pairs, p -> p[1]);
        long[] observed = column(pairs, p -> p[1] - p[0]);
        boolean headers = !pairs.isEmpty() && pairs.stream().allMatch(p -> p[2] >= 0);
        long[] header = column(pairs, p -> p[2]);
        long[] headerMinusObserved = column(pairs, p -> p[2] - (p[1] - p[0]));
        System.out.printf(Locale.ROOT, "FIRST_RESULT pairs=%d errors=%d direct_ttft_p50_us=%d gateway_ttft_p50_us=%d"
                        + " ttft_p50_diff_us=%d observed_overhead_p50_us=%d header_p50_us=%d"
                        + " header_minus_observed_p50_us=%d header_minus_observed_p10_us=%d"
                        + " header_minus_observed_p90_us=%d%n", pairs.size(), errors, median(directTtft),
                median(gatewayTtft), median(gatewayTtft) - median(directTtft), median(observed),
                headers ? median(header) : -1, headers ? median(headerMinusObserved) : -1,
                headers ? percentile(headerMinusObserved, 10) : -1,
                headers ? percentile(headerMinusObserved, 90) : -1);
    }

    private static HttpRequest request(String url, String[] args) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(BODY));
        for (int i = 3; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            builder.header(args[i].substring(0, colon).trim(), args[i].substring(colon + 1).trim());
        }
        return builder.build();
    }

    private record Answer(long ttftMicros, long headerMicros) {
    }

    /** One stream, read to its end; null when it failed. */
    private static Answer one(HttpClient client, HttpRequest request) throws InterruptedException {
        long sent = System.nanoTime();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                int first = body.read();
                long firstByte = System.nanoTime();
                byte[] rest = body.readAllBytes();
                String tail = new String(rest, Math.max(0, rest.length - 32), Math.min(32, rest.length),
                        StandardCharsets.US_ASCII).strip();
                if (response.statusCode() != 200 || first < 0 || !tail.endsWith("data: [DONE]")) {
                    return null;
                }
                long header = response.headers().firstValue("x-gateway-overhead-ms")
                        .map(ms -> Math.round(Double.parseDouble(ms) * 1000)).orElse(-1L);
                return new Answer((firstByte - sent) / 1000, header);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private interface Column {
        long of(long[] pair);
    }

    private static long[] column(List<long[]> pairs, Column column) {
        return pairs.stream().mapToLong(column::of).sorted().toArray();
    }

    private static long percentile(long[] sorted, int percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static long median(long[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
