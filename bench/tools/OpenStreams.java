import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The open streaming load of bench/run.sh, light enough that the client is not what it measures: streamed chat
 * completions start at about RATE per second as Poisson arrivals, each on an idle kept-alive connection (a new one
 * when none is idle), whether or not earlier ones have ended. One thread and non-blocking sockets. On this machine
 * java.net.http (StreamClient.java) added 1-3 ms at p50 and 25-130 ms at p99 to a loopback upstream's time to first
 * token at 100-600 streams/s; this client is for the figures that compare latencies in milliseconds. JDK only:
 *
 * <pre>STREAM_RATE=r [STREAM_WARMUP=s] [STREAM_MODEL=m] java OpenStreams.java URL SECONDS [Header: value]...</pre>
 *
 * A stream's times count from the moment its request was written, and how late that was after its due time is
 * reported apart ({@code late_p99_us}: above a millisecond or so, the client fell behind and the run says little).
 * {@code STREAM_WARMUP} seconds of the same load come first and are forgotten. Prints
 * {@code STREAM_RESULT streams=N rps=X ttft_p50_us=N ttft_p90_us=N ttft_p99_us=N ttft_p999_us=N end_p50_us=N
 * end_p99_us=N errors=N streams_sent=N events_total=N connections=N late_p99_us=N}, then one
 * {@code STREAM_ERROR kind: count} line per kind of failure. A stream is good when it answered 200 and its body
 * ended with {@code data: [DONE]}; every stream sent in the window is read to its end.
 */
public class OpenStreams {

    private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say hello in one short sentence.\"}],\"max_tokens\":32,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";
    private static final String DONE = "data: [DONE]";

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || System.getenv("STREAM_RATE") == null) {
            System.err.println("usage: STREAM_RATE=r java OpenStreams.java URL SECONDS [Header: value]...");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        double rate = Double.parseDouble(System.getenv("STREAM_RATE").trim());
        long seconds = Long.parseLong(args[1]);
        long warmup = Long.parseLong(System.getenv().getOrDefault("STREAM_WARMUP", "0").trim());
        byte[] body = String.format(BODY, System.getenv().getOrDefault("STREAM_MODEL", "bench-model"))
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\nAccept: text/event-stream\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        for (int i = 2; i < args.length; i++) {
            head.append(args[i]).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);

        OpenStreams client = new OpenStreams(new InetSocketAddress(uri.getHost(), uri.getPort()), request, rate);
        if (warmup > 0) {
            client.run(warmup, new Results());
        }
        Results results = new Results();
        long start = System.nanoTime();
        client.run(seconds, results);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] ttft = results.sorted(0);
        long[] total = results.sorted(1);
        long[] late = results.sorted(2);
        System.out.printf(Locale.ROOT, "STREAM_RESULT streams=%d rps=%.2f ttft_p50_us=%d ttft_p90_us=%d ttft_p99_us=%d"
                        + " ttft_p999_us=%d end_p50_us=%d end_p99_us=%d errors=%d streams_sent=%d events_total=%d"
                        + " connections=%d late_p99_us=%d%n", ttft.length, ttft.length / elapsed,
                percentile(ttft, 50), percentile(ttft, 90), percentile(ttft, 99), percentile(ttft, 99.9),
                percentile(total, 50), percentile(total, 99), results.errorCount(), results.sent, results.events,
                client.connections, percentile(late, 99));
        results.errors.forEach((kind, count) -> System.out.printf("STREAM_ERROR %s: %d%n", kind, count));
    }

    private final InetSocketAddress address;
    private final byte[] request;
    private final double meanNanos;
    private final Selector selector;
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private int connections;
    private int busy;

    OpenStreams(InetSocketAddress address, byte[] request, double rate) throws IOException {
        this.address = address;
        this.request = request;
        this.meanNanos = 1e9 / rate;
        this.selector = Selector.open();
    }

    /** Streams due over {@code seconds}, then until every one of them has ended. */
    void run(long seconds, Results results) throws IOException {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long due = start;
        while (due < end || busy > 0) {
            long now = System.nanoTime();
            while (due < end && now >= due) {
                send(due, results);
                due += (long) (-meanNanos * Math.log(1 - ThreadLocalRandom.current().nextDouble()));
                now = System.nanoTime();
            }
            long waitMillis = due < end ? TimeUnit.NANOSECONDS.toMillis(due - now) : 100;
            if (waitMillis <= 0) {
                selector.selectNow();
            } else {
                selector.select(waitMillis);
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Conn conn = (Conn) key.attachment();
                try {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isConnectable()) {
                        conn.channel.finishConnect();
                        conn.write();
                    } else if (key.isWritable()) {
                        conn.write();
                    } else if (key.isReadable()) {
                        conn.read(results);
                    }
                } catch (IOException e) {
                    conn.fail(results, e.getClass().getSimpleName());
                }
            }
        }
    }

    private void send(long due, Results results) throws IOException {
        results.sent++;
        Conn conn = idle.poll();
        if (conn == null) {
            conn = new Conn();
            connections++;
            conn.channel = SocketChannel.open();
            conn.channel.configureBlocking(false);
            conn.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            conn.key = conn.channel.register(selector, 0, conn);
            conn.start(due);
            if (conn.channel.connect(address)) {
                conn.write();
            } else {
                conn.key.interestOps(SelectionKey.OP_CONNECT);
            }
        } else {
            conn.start(due);
            conn.write();
        }
        busy++;
    }

    /** One kept-alive connection and the response it is reading. */
    private final class Conn {
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer out;
        private boolean active;
        private long due;
        private long sent;
        private long firstByte;
        private long events;
        // response parsing
        private final StringBuilder headers = new StringBuilder();
        private boolean inBody;
        private int status;
        private boolean chunked;
        private boolean closeAfter;
        private long contentLeft;
        private long chunkLeft;
        private final StringBuilder sizeLine = new StringBuilder();
        private int crlfToSkip;
        private boolean lastChunk;
        private byte previous;
        private final StringBuilder tail = new StringBuilder();

        void start(long dueAt) {
            active = true;
            due = dueAt;
            sent = 0;
            firstByte = 0;
            events = 0;
            headers.setLength(0);
            inBody = false;
            status = 0;
            chunked = false;
            closeAfter = false;
            contentLeft = -1;
            chunkLeft = -1;
            sizeLine.setLength(0);
            crlfToSkip = 0;
            lastChunk = false;
            previous = 0;
            tail.setLength(0);
            out = ByteBuffer.wrap(request);
        }

        void write() throws IOException {
            if (sent == 0) {
                sent = System.nanoTime();
            }
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void read(Results results) throws IOException {
            while (true) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n < 0) {
                    if (active) {
                        fail(results, inBody ? "closed mid-stream" : "closed before the answer");
                    } else {
                        close();   // an idle connection the server closed
                    }
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (!active) {
                    close();
                    return;
                }
                long now = System.nanoTime();
                readBuffer.flip();
                if (consume(now) && finish(results, now)) {
                    return;
                }
            }
        }

        /** True when the response has ended. */
        private boolean consume(long now) {
            while (readBuffer.hasRemaining()) {
                if (!inBody) {
                    char c = (char) (readBuffer.get() & 0xff);
                    headers.append(c);
                    int n = headers.length();
                    if (n >= 4 && c == '\n' && headers.charAt(n - 2) == '\r' && headers.charAt(n - 3) == '\n') {
                        startBody();
                        if (!chunked && contentLeft == 0) {
                            return true;
                        }
                    }
                    continue;
                }
                if (firstByte == 0) {
                    firstByte = now;
                }
                if (!chunked) {
                    data(readBuffer.get());
                    if (--contentLeft == 0) {
                        return true;
                    }
                } else if (crlfToSkip > 0) {
                    readBuffer.get();
                    if (--crlfToSkip == 0 && lastChunk) {
                        return true;
                    }
                } else if (chunkLeft < 0) {
                    char c = (char) (readBuffer.get() & 0xff);
                    if (c == '\n') {
                        String size = sizeLine.toString().trim();
                        int semicolon = size.indexOf(';');
                        chunkLeft = Long.parseLong(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                        sizeLine.setLength(0);
                        if (chunkLeft == 0) {
                            lastChunk = true;   // no trailers from these servers: the final CRLF follows
                            crlfToSkip = 2;
                        }
                    } else {
                        sizeLine.append(c);
                    }
                } else {
                    data(readBuffer.get());
                    if (--chunkLeft == 0) {
                        chunkLeft = -1;
                        crlfToSkip = 2;
                    }
                }
            }
            return false;
        }

        private void startBody() {
            inBody = true;
            String[] lines = headers.toString().split("\r\n");
            String[] statusLine = lines[0].split(" ");
            status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("content-length:")) {
                    contentLeft = Long.parseLong(lower.substring("content-length:".length()).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closeAfter = true;
                }
            }
            if (!chunked && contentLeft < 0) {
                closeAfter = true;   // a body until the connection closes: not what these servers send
                contentLeft = Long.MAX_VALUE;
            }
        }

        private void data(byte b) {
            if (b == '\n' && previous == '\n') {
                events++;
            }
            previous = b;
            tail.append((char) b);
            if (tail.length() > 64) {
                tail.delete(0, tail.length() - 32);
            }
        }

        /** Records the ended response; true when the connection is gone. */
        private boolean finish(Results results, long now) {
            active = false;
            busy--;
            results.events += events;
            if (status != 200) {
                results.error("status " + status);
            } else if (!tail.toString().strip().endsWith(DONE)) {
                results.error("no [DONE]");
            } else {
                results.add((firstByte == 0 ? now : firstByte) - sent, now - sent, sent - due);
            }
            if (closeAfter) {
                close();
                return true;
            }
            key.interestOps(SelectionKey.OP_READ);   // to see the server close it while idle
            idle.push(this);
            return false;
        }

        void fail(Results results, String kind) {
            if (active) {
                active = false;
                busy--;
                results.events += events;
                results.error(kind);
            }
            close();
        }

        private void close() {
            idle.remove(this);
            key.cancel();
            try {
                channel.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private static final class Results {
        private long[][] samples = new long[3][1024];
        private int count;
        private long sent;
        private long events;
        private final Map<String, Integer> errors = new TreeMap<>();

        void add(long ttftNanos, long endNanos, long lateNanos) {
            if (count == samples[0].length) {
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = Arrays.copyOf(samples[i], count * 2);
                }
            }
            samples[0][count] = ttftNanos / 1000;
            samples[1][count] = endNanos / 1000;
            samples[2][count] = lateNanos / 1000;
            count++;
        }

        void error(String kind) {
            errors.merge(kind, 1, Integer::sum);
        }

        int errorCount() {
            return errors.values().stream().mapToInt(Integer::intValue).sum();
        }

        long[] sorted(int column) {
            long[] values = Arrays.copyOf(samples[column], count);
            Arrays.sort(values);
            return values;
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
