import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The "many streams" load of bench/run.sh: STREAMS streamed chat completions held open at once, each sent once on
 * its own HTTP/1.1 connection, their starts spread evenly over RAMP seconds; it waits until every one has ended.
 * One thread and non-blocking sockets, so that the load generator itself stays light next to 10,000 streams on the
 * same cores (java.net.http needs far more CPU per event). JDK only, run with the source launcher:
 *
 * <pre>STREAM_MODEL=bench-paced java ManyStreams.java URL STREAMS RAMP_SECONDS [Header: value]...</pre>
 *
 * A stream counts as good when it answered 200 and its body (chunked or until the connection closes) ended with
 * {@code data: [DONE]}. Prints {@code STREAM_RESULT streams=… errors=… ttft_p50_us=… ttft_p99_us=… end_p50_us=…
 * end_p99_us=… events_min=… events_max=… gap_p50_us=… gap_p99_us=… gap_max_us=… max_open=…} for the good streams
 * ({@code gap}: per stream, the longest pause between two reads after its first byte), then one
 * {@code STREAM_ERROR kind: count} line per kind of failure. A stream with no byte for IDLE_SECONDS (environment,
 * default 120) fails as {@code idle}. With {@code RECORDS_FILE} (environment) set, it also writes one line per good
 * stream to that file, {@code REQUEST_ID EVENTS} (the {@code x-request-id} the gateway answered with, which is the
 * identity of the stream's usage record, and the SSE events the stream carried), for run.sh to check every usage
 * record against its stream.
 */
public class ManyStreams {

    private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say hello in one short sentence.\"}],\"max_tokens\":32,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: java ManyStreams.java URL STREAMS RAMP_SECONDS [Header: value]...");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        int streams = Integer.parseInt(args[1]);
        long rampNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        long idleNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(System.getenv().getOrDefault("IDLE_SECONDS", "120")));
        byte[] body = String.format(BODY, System.getenv().getOrDefault("STREAM_MODEL", "bench-model"))
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\nAccept: text/event-stream\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        for (int i = 3; i < args.length; i++) {
            head.append(args[i]).append("\r\n");
        }
        head.append("\r\n");
        byte[] request = concat(head.toString().getBytes(StandardCharsets.US_ASCII), body);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());

        Selector selector = Selector.open();
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        List<Stream> finished = new ArrayList<>(streams);
        List<Stream> open = new ArrayList<>();
        Map<String, Integer> errors = new TreeMap<>();
        long start = System.nanoTime();
        int started = 0;
        int maxOpen = 0;
        long nextIdleCheck = start + TimeUnit.SECONDS.toNanos(1);
        while (started < streams || !open.isEmpty()) {
            long now = System.nanoTime();
            while (started < streams && now >= start + rampNanos * started / streams) {
                Stream stream = new Stream(request);
                try {
                    stream.channel = SocketChannel.open();
                    stream.channel.configureBlocking(false);
                    stream.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    stream.sent = System.nanoTime();
                    stream.lastRead = stream.sent;
                    if (stream.channel.connect(address)) {
                        stream.connected(selector);
                    } else {
                        stream.channel.register(selector, SelectionKey.OP_CONNECT, stream);
                    }
                    open.add(stream);
                } catch (IOException e) {
                    stream.fail(kind(e));
                    finished.add(stream);
                }
                started++;
            }
            maxOpen = Math.max(maxOpen, open.size());
            long wait = started < streams
                    ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(start + rampNanos * started / streams - now)) : 100;
            selector.select(Math.min(wait, 100));
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                Stream stream = (Stream) key.attachment();
                try {
                    if (key.isConnectable()) {
                        stream.channel.finishConnect();
                        stream.connected(selector);
                    } else if (key.isWritable()) {
                        stream.write(selector);
                    } else if (key.isReadable()) {
                        stream.read(readBuffer);
                    }
                } catch (IOException e) {
                    stream.fail(kind(e));
                }
            }
            now = System.nanoTime();
            if (now >= nextIdleCheck) {
                nextIdleCheck = now + TimeUnit.SECONDS.toNanos(1);
                for (Stream stream : open) {
                    if (!stream.ended && now - stream.lastRead > idleNanos) {
                        stream.fail("idle");
                    }
                }
            }
            for (Iterator<Stream> it = open.iterator(); it.hasNext(); ) {
                Stream stream = it.next();
                if (stream.ended) {
                    it.remove();
                    finished.add(stream);
                }
            }
        }

        List<Stream> good = new ArrayList<>();
        for (Stream stream : finished) {
            if (stream.error == null) {
                good.add(stream);
            } else {
                errors.merge(stream.error, 1, Integer::sum);
            }
        }
        long[] ttft = sorted(good, s -> (s.firstByte - s.sent) / 1000);
        long[] total = sorted(good, s -> (s.endedAt - s.sent) / 1000);
        long[] events = sorted(good, s -> s.events);
        long[] gaps = sorted(good, s -> s.longestGap / 1000);
        System.out.printf(Locale.ROOT, "STREAM_RESULT streams=%d errors=%d ttft_p50_us=%d ttft_p99_us=%d"
                        + " end_p50_us=%d end_p99_us=%d events_min=%d events_max=%d gap_p50_us=%d gap_p99_us=%d"
                        + " gap_max_us=%d max_open=%d%n", good.size(), finished.size() - good.size(),
                percentile(ttft, 50), percentile(ttft, 99), percentile(total, 50), percentile(total, 99),
                events.length == 0 ? 0 : events[0], events.length == 0 ? 0 : events[events.length - 1],
                percentile(gaps, 50), percentile(gaps, 99), gaps.length == 0 ? 0 : gaps[gaps.length - 1], maxOpen);
        errors.forEach((kind, count) -> System.out.printf("STREAM_ERROR %s: %d%n", kind, count));
        String records = System.getenv("RECORDS_FILE");
        if (records != null && !records.isBlank()) {
            StringBuilder lines = new StringBuilder();
            for (Stream stream : good) {
                lines.append(stream.requestId == null ? "-" : stream.requestId).append(' ').append(stream.events)
                        .append('\n');
            }
            java.nio.file.Files.writeString(java.nio.file.Path.of(records), lines);
        }
    }

    /** One stream: its connection, where its response parsing stands, and its timings. */
    private static final class Stream {
        private final ByteBuffer request;
        private SocketChannel channel;
        private long sent;
        private long firstByte;
        private long lastRead;
        private long longestGap;
        private long endedAt;
        private long events;
        private boolean ended;
        private String error;
        private String requestId;

        // response parsing: the status line and headers, then the body (chunked or until the connection closes)
        private final StringBuilder headers = new StringBuilder();
        private boolean inBody;
        private int status;
        private boolean chunked;
        private long chunkLeft = -1;      // -1: reading a chunk-size line
        private final StringBuilder sizeLine = new StringBuilder();
        private int crlfToSkip;           // the CRLF after a chunk's data
        private boolean lastChunk;
        private byte previous;
        private final byte[] tail = new byte[DONE.length + 4];
        private int tailLength;

        Stream(byte[] request) {
            this.request = ByteBuffer.wrap(request);
        }

        void connected(Selector selector) throws IOException {
            write(selector);
        }

        void write(Selector selector) throws IOException {
            channel.write(request);
            channel.register(selector, request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ, this);
        }

        void read(ByteBuffer buffer) throws IOException {
            while (!ended) {
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    closedByPeer();
                    return;
                }
                if (read == 0) {
                    return;
                }
                long now = System.nanoTime();
                buffer.flip();
                consume(buffer, now);
                lastRead = now;
            }
        }

        private void consume(ByteBuffer buffer, long now) {
            while (buffer.hasRemaining() && !ended) {
                if (!inBody) {
                    char c = (char) (buffer.get() & 0xff);
                    headers.append(c);
                    int n = headers.length();
                    if (n >= 4 && headers.charAt(n - 1) == '\n' && headers.charAt(n - 2) == '\r'
                            && headers.charAt(n - 3) == '\n' && headers.charAt(n - 4) == '\r') {
                        startBody();
                    }
                    continue;
                }
                if (firstByte == 0) {
                    firstByte = now;
                } else if (now != lastRead) {
                    longestGap = Math.max(longestGap, now - lastRead);
                    lastRead = now;
                }
                if (!chunked) {
                    data(buffer.get());
                } else if (crlfToSkip > 0) {
                    buffer.get();
                    crlfToSkip--;
                    if (crlfToSkip == 0 && lastChunk) {
                        finish();
                    }
                } else if (chunkLeft < 0) {
                    char c = (char) (buffer.get() & 0xff);
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
                    data(buffer.get());
                    if (--chunkLeft == 0) {
                        chunkLeft = -1;
                        crlfToSkip = 2;
                    }
                }
            }
        }

        private void startBody() {
            inBody = true;
            String text = headers.toString();
            String[] lines = text.split("\r\n");
            String[] statusLine = lines[0].split(" ");
            status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("x-request-id:")) {
                    requestId = line.substring("x-request-id:".length()).trim();
                }
            }
            headers.setLength(0);
        }

        private void data(byte b) {
            if (b == '\n' && previous == '\n') {
                events++;
            }
            previous = b;
            if (tailLength == tail.length) {
                System.arraycopy(tail, 1, tail, 0, tail.length - 1);
                tailLength--;
            }
            tail[tailLength++] = b;
        }

        private void closedByPeer() {
            if (!inBody) {
                fail("closed before the answer");
            } else if (chunked) {
                fail("closed mid-stream");
            } else {
                finish();
            }
        }

        private void finish() {
            if (status != 200) {
                fail("status " + status);
            } else if (!endsWithDone()) {
                fail("no [DONE]");
            } else {
                end();
            }
        }

        private boolean endsWithDone() {
            String text = new String(tail, 0, tailLength, StandardCharsets.US_ASCII).strip();
            return text.endsWith(new String(DONE, StandardCharsets.US_ASCII));
        }

        void fail(String kind) {
            if (!ended) {
                error = kind;
                end();
            }
        }

        private void end() {
            ended = true;
            endedAt = System.nanoTime();
            try {
                channel.close();
            } catch (IOException | NullPointerException e) {
                // closing is best effort
            }
        }
    }

    private static String kind(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private interface Measure {
        long of(Stream stream);
    }

    private static long[] sorted(List<Stream> streams, Measure measure) {
        long[] values = new long[streams.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = measure.of(streams.get(i));
        }
        Arrays.sort(values);
        return values;
    }

    private static long percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
