package io.llmgateway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A minimal, fast fake OpenAI-compatible upstream for the benchmark: {@code POST /v1/chat/completions} answers a
 * fixed {@code chat.completion} JSON, or, when the request body asks for {@code "stream":true}, a fixed
 * server-sent-event stream of {@code chat.completion.chunk} events ending with a usage chunk and
 * {@code data: [DONE]}. Listens on 127.0.0.1 only. No per-request logging.
 *
 * <p>Usage: {@code java -jar fake-upstream.jar PORT [--chunk-delay-ms=N] [--content-chunks=N]}; the delay between
 * two stream events can also come from the environment variable {@code FAKE_UPSTREAM_CHUNK_DELAY_MS} (default 0).
 * A stream has {@code --content-chunks} content chunks (default 9, the words of the fixed answer; more repeat
 * them), between the role chunk and the finish and usage chunks; its usage counts one completion token per content
 * chunk.
 *
 * <p>A streamed request for a model named {@code paced-D-N} (e.g. {@code paced-10-50}) gets, whatever the
 * arguments, a stream of {@code N} content chunks with {@code D} ms between two events: run.sh uses such models to
 * send the same paced streams through every target (the proxies pass the model name on), and to tell a target's CPU
 * per streamed event from its CPU per stream.
 */
public final class FakeUpstream {

    private static final String PATH = "/v1/chat/completions";
    private static final String ID = "chatcmpl-bench0000000000000000";
    private static final long CREATED = 1_700_000_000L;
    private static final String MODEL = "bench-upstream-model";

    private static final byte[] COMPLETION = ("{\"id\":\"" + ID + "\",\"object\":\"chat.completion\",\"created\":"
            + CREATED + ",\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello! How can I help you today?\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":9,\"total_tokens\":23},"
            + "\"system_fingerprint\":\"fp_bench\"}").getBytes(StandardCharsets.UTF_8);

    private static final byte[] NOT_FOUND = "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private static final String PACED_MODEL = "paced-";
    /** paced-D-N -> its events, built once per N */
    private static final Map<Integer, byte[][]> PACED_EVENTS = new ConcurrentHashMap<>();

    private static final String[] WORDS = {"Hello", "!", " How", " can", " I", " help", " you", " today", "?"};

    private FakeUpstream() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: java -jar fake-upstream.jar PORT [--chunk-delay-ms=N]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long delayMs = parseLong(System.getenv("FAKE_UPSTREAM_CHUNK_DELAY_MS"), 0);
        int contentChunks = WORDS.length;
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--chunk-delay-ms=")) {
                delayMs = Long.parseLong(args[i].substring("--chunk-delay-ms=".length()));
            } else if (args[i].startsWith("--content-chunks=")) {
                contentChunks = Integer.parseInt(args[i].substring("--content-chunks=".length()));
            } else {
                System.err.println("unknown argument: " + args[i]);
                System.exit(2);
            }
        }
        Duration chunkDelay = Duration.ofMillis(delayMs);
        byte[][] events = streamEvents(contentChunks);

        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .handle((request, response) -> handle(request, response, events, chunkDelay))
                .bindNow();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.disposeNow(Duration.ofSeconds(2))));
        System.out.println("fake upstream listening on 127.0.0.1:" + server.port() + " (chunk delay "
                + delayMs + " ms, " + contentChunks + " content chunks per stream)");
        server.onDispose().block();
    }

    private static Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response,
                                          byte[][] events, Duration chunkDelay) {
        if (request.method() != HttpMethod.POST || !PATH.equals(pathOf(request.uri()))) {
            return request.receive().then(response.status(HttpResponseStatus.NOT_FOUND)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(NOT_FOUND.length))
                    .sendObject(Unpooled.wrappedBuffer(NOT_FOUND))
                    .then());
        }
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    if (!isStream(body)) {
                        return complete(response);
                    }
                    String model = modelOf(body);
                    if (model != null && model.startsWith(PACED_MODEL)) {
                        // paced-D-N: N content chunks, D ms apart
                        String[] parts = model.substring(PACED_MODEL.length()).split("-");
                        int chunks = Integer.parseInt(parts[1]);
                        return stream(response, PACED_EVENTS.computeIfAbsent(chunks, FakeUpstream::streamEvents),
                                Duration.ofMillis(Long.parseLong(parts[0])));
                    }
                    return stream(response, events, chunkDelay);
                });
    }

    private static Mono<Void> complete(HttpServerResponse response) {
        return response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(COMPLETION.length))
                .sendObject(Unpooled.wrappedBuffer(COMPLETION))
                .then();
    }

    private static Mono<Void> stream(HttpServerResponse response, byte[][] data, Duration chunkDelay) {
        Flux<ByteBuf> events = Flux.fromArray(data).map(Unpooled::wrappedBuffer);
        if (!chunkDelay.isZero()) {
            // the pauses are timers of the connection's own event loop: with thousands of paced streams, Reactor's
            // shared parallel scheduler (a lock and a thread hand-off per event) made this server the bottleneck
            EventLoop[] loop = new EventLoop[1];
            response.withConnection(connection -> loop[0] = connection.channel().eventLoop());
            events = Flux.concat(events.take(1),
                    events.skip(1).delayElements(chunkDelay, Schedulers.fromExecutorService(loop[0])));
        }
        return response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .send(events, buffer -> true)
                .then();
    }

    /** True when the JSON body has {@code "stream"} followed by {@code :} and {@code true}; a cheap scan. */
    static boolean isStream(String body) {
        int at = body.indexOf("\"stream\"");
        while (at >= 0) {
            int i = skipSpaces(body, at + 8);
            if (i < body.length() && body.charAt(i) == ':') {
                i = skipSpaces(body, i + 1);
                return body.startsWith("true", i);
            }
            at = body.indexOf("\"stream\"", at + 8);
        }
        return false;
    }

    /** The value of the body's first {@code "model"} string field, or null; a cheap scan like {@link #isStream}. */
    static String modelOf(String body) {
        int at = body.indexOf("\"model\"");
        if (at < 0) {
            return null;
        }
        int i = skipSpaces(body, at + 7);
        if (i >= body.length() || body.charAt(i) != ':') {
            return null;
        }
        i = skipSpaces(body, i + 1);
        if (i >= body.length() || body.charAt(i) != '"') {
            return null;
        }
        int end = body.indexOf('"', i + 1);
        return end < 0 ? null : body.substring(i + 1, end);
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String pathOf(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static byte[][] streamEvents(int contentChunks) {
        String head = "{\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
                + ",\"model\":\"" + MODEL + "\",\"system_fingerprint\":\"fp_bench\",\"choices\":";
        List<String> data = new ArrayList<>();
        data.add(head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}");
        for (int i = 0; i < contentChunks; i++) {
            data.add(head + "[{\"index\":0,\"delta\":{\"content\":\"" + WORDS[i % WORDS.length] + "\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}]}");
        }
        data.add(head + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
        data.add(head + "[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":" + contentChunks
                + ",\"total_tokens\":" + (14 + contentChunks) + "}}");
        data.add("[DONE]");
        byte[][] events = new byte[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            events[i] = ("data: " + data.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
        return events;
    }

    private static long parseLong(String value, long fallback) {
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }
}
