import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "The first requests after readiness, one at a time" of bench/run.sh: COUNT streamed chat completions through a
 * freshly started proxy, one after the other, each paired with the same request sent straight to the upstream
 * just before it (the upstream was warmed up first; this client warms itself up on the upstream before the first
 * pair). For every pair it measures the time to first token (from the request's last byte written to the body's
 * first byte read) of both, and reads the gateway's {@code x-gateway-overhead-ms} header: the time the gateway says
 * it added before the first byte. The overhead the client observes is the proxy's time to first token minus the
 * direct one of the same pair. One kept-alive connection to each, blocking sockets and a minimal HTTP/1.1 reader,
 * so that the client adds microseconds, not the milliseconds of java.net.http. JDK only:
 *
 * <pre>java FirstRequests.java DIRECT_URL PROXY_URL COUNT [Header: value]...</pre>
 *
 * Prints one line per pair, {@code PAIR i direct_ttft_us proxy_ttft_us header_us}, then
 * {@code FIRST_RESULT pairs=N errors=N direct_ttft_p50_us=N gateway_ttft_p50_us=N ttft_p50_diff_us=N
 * observed_overhead_p50_us=N header_p50_us=N header_minus_observed_p50_us=N header_minus_observed_p10_us=N
 * header_minus_observed_p90_us=N}: the medians over the pairs, where {@code observed_overhead} is the median of the
 * per-pair differences and {@code header_minus_observed} the median (and 10th, 90th percentile) of the per-pair
 * header minus observed overhead ({@code gateway_*} are the proxy's, whichever it is). A pair with a failed request
 * (not 200, or no {@code data: [DONE]} at the end) is counted in {@code errors} and left out. A proxy that sends no
 * {@code x-gateway-overhead-ms} (nginx, the floors) gets {@code header_us} -1 and the header's fields -1.
 */
public class FirstRequests {

    private static final String BODY = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say hello in one short sentence.\"}],\"max_tokens\":32,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";
    private static final int CLIENT_WARMUP = 200;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java FirstRequests.java DIRECT_URL PROXY_URL COUNT [Header: value]...");
            System.exit(2);
        }
        List<String> headers = List.of(args).subList(3, args.length);
        Client direct = new Client(URI.create(args[0]), headers);
        Client proxy = new Client(URI.create(args[1]), headers);
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < CLIENT_WARMUP; i++) {
            direct.one();
        }
        List<long[]> pairs = new ArrayList<>();
        int errors = 0;
        for (int i = 1; i <= count; i++) {
            Answer d = direct.one();
            Answer g = proxy.one();
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
        boolean withHeader = !pairs.isEmpty() && pairs.stream().allMatch(p -> p[2] >= 0);
        long[] header = column(pairs, p -> p[2]);
        long[] headerMinusObserved = column(pairs, p -> p[2] - (p[1] - p[0]));
        System.out.printf(Locale.ROOT, "FIRST_RESULT pairs=%d errors=%d direct_ttft_p50_us=%d gateway_ttft_p50_us=%d"
                        + " ttft_p50_diff_us=%d observed_overhead_p50_us=%d header_p50_us=%d"
                        + " header_minus_observed_p50_us=%d header_minus_observed_p10_us=%d"
                        + " header_minus_observed_p90_us=%d%n", pairs.size(), errors, median(directTtft),
                median(gatewayTtft), median(gatewayTtft) - median(directTtft), median(observed),
                withHeader ? median(header) : -1, withHeader ? median(headerMinusObserved) : -1,
                withHeader ? percentile(headerMinusObserved, 10) : -1,
                withHeader ? percentile(headerMinusObserved, 90) : -1);
    }

    private record Answer(long ttftMicros, long headerMicros) {
    }

    /** One kept-alive HTTP/1.1 connection (opened again when the server closed it) and the request it sends. */
    private static final class Client {
        private final URI uri;
        private final byte[] request;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Client(URI uri, List<String> headers) {
            this.uri = uri;
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder()
                    .append("POST ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Content-Type: application/json\r\nAccept: text/event-stream\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            headers.forEach(h -> head.append(h).append("\r\n"));
            head.append("\r\n");
            byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
            request = new byte[h.length + body.length];
            System.arraycopy(h, 0, request, 0, h.length);
            System.arraycopy(body, 0, request, h.length, body.length);
        }

        /** One stream, read to its end; null when it failed. */
        Answer one() {
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(30_000);
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
                    in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
                    out = socket.getOutputStream();
                }
                out.write(request);
                out.flush();
                long sent = System.nanoTime();
                Response response = Response.read(in);
                long ttft = (response.firstByteNanos - sent) / 1000;
                if (response.close) {
                    close();
                }
                if (response.status != 200 || !response.tail.strip().endsWith("data: [DONE]")) {
                    return null;
                }
                return new Answer(ttft, response.overheadMicros);
            } catch (IOException e) {
                close();
                return null;
            }
        }

        private void close() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException e) {
                // best effort
            }
            socket = null;
        }
    }

    /** A response read to its end: chunked or with a Content-Length (these servers send nothing else). */
    private static final class Response {
        int status;
        boolean close;
        long overheadMicros = -1;
        long firstByteNanos;
        String tail = "";

        static Response read(InputStream in) throws IOException {
            Response r = new Response();
            String statusLine = line(in);
            r.status = Integer.parseInt(statusLine.split(" ")[1]);
            boolean chunked = false;
            long length = -1;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(Locale.ROOT);
                String value = header.substring(header.indexOf(':') + 1).trim();
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(value);
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    r.close = true;
                } else if (lower.startsWith("x-gateway-overhead-ms:")) {
                    r.overheadMicros = Math.round(Double.parseDouble(value) * 1000);
                }
            }
            StringBuilder body = new StringBuilder();
            int first = in.read();   // the body's first byte: the first event's (or a chunk size line's) first byte
            r.firstByteNanos = System.nanoTime();
            if (first < 0) {
                throw new IOException("no body");
            }
            if (chunked) {
                StringBuilder size = new StringBuilder().append((char) first);
                while (true) {
                    size.append(line(in));
                    int semicolon = size.indexOf(";");
                    long n = Long.parseLong((semicolon < 0 ? size.toString() : size.substring(0, semicolon)).trim(), 16);
                    if (n == 0) {
                        line(in);   // the CRLF after the last chunk (no trailers from these servers)
                        break;
                    }
                    body.append(new String(in.readNBytes((int) n), StandardCharsets.UTF_8));
                    line(in);
                    size.setLength(0);
                }
            } else {
                body.append((char) first);
                if (length > 1) {
                    body.append(new String(in.readNBytes((int) length - 1), StandardCharsets.UTF_8));
                }
            }
            r.tail = body.length() > 64 ? body.substring(body.length() - 64) : body.toString();
            return r;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
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
