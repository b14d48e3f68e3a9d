package io.llmgateway.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server on a random loopback port that plays scripted upstream answers: JSON, server-sent events
 * written in arbitrary byte slices with a pause between them, error statuses, hangs and connection resets.
 * It records every request it receives and notices when a client closes a connection.
 *
 * <p>Replies are taken from a queue in order; when the queue is empty the fallback answers (by default a 500).
 */
public final class FakeUpstream implements AutoCloseable {

    private final DisposableServer server;
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> disconnectWaiters = new CopyOnWriteArrayList<>();
    private volatile Function<RecordedRequest, Reply> fallback =
            request -> Reply.json(500, "{\"error\":{\"message\":\"no reply scripted\",\"type\":\"server_error\"}}");

    private FakeUpstream() {
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> request.receive()
                        .aggregate()
                        .asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            Map<String, String> headers = new LinkedHashMap<>();
                            request.requestHeaders()
                                    .forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
                            RecordedRequest recorded = new RecordedRequest(
                                    request.method().name(),
                                    request.uri(),
                                    headers,
                                    new String(body, StandardCharsets.UTF_8));
                            requests.add(recorded);
                            response.withConnection(connection ->
                                    connection.onDispose(() -> disconnectWaiters.forEach(CountDownLatch::countDown)));
                            Reply reply = replies.poll();
                            if (reply == null) {
                                reply = fallback.apply(recorded);
                            }
                            return reply.write(response);
                        }))
                .bindNow();
    }

    /** Starts a server on a random port of 127.0.0.1. */
    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    /** The API root clients should use, e.g. {@code http://127.0.0.1:41234/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    public int port() {
        return server.port();
    }

    /** Queues replies, played in order to the next requests. */
    public FakeUpstream enqueue(Reply... next) {
        Collections.addAll(replies, next);
        return this;
    }

    /** The answer when no reply is queued. */
    public FakeUpstream fallback(Function<RecordedRequest, Reply> answer) {
        this.fallback = answer;
        return this;
    }

    /** Every request received so far, in order. */
    public List<RecordedRequest> requests() {
        return new ArrayList<>(requests);
    }

    /** The last request received; fails when there was none. */
    public RecordedRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the fake upstream received no request");
        }
        return requests.get(requests.size() - 1);
    }

    /** A latch that opens when any connection to this server closes after this call. */
    public CountDownLatch nextDisconnect() {
        CountDownLatch latch = new CountDownLatch(1);
        disconnectWaiters.add(latch);
        return latch;
    }

    /** Waits for a latch from {@link #nextDisconnect()}; true if it opened in time. */
    public static boolean await(CountDownLatch latch, Duration limit) {
        try {
            return latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Clears queued replies and recorded requests. */
    public void reset() {
        replies.clear();
        requests.clear();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(1));
    }

    /** A request as the upstream saw it. */
    public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

        public @Nullable String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A scripted answer. */
    public interface Reply {

        Mono<Void> write(HttpServerResponse response);

        /** A JSON body with a status. */
        static Reply json(int status, String body) {
            return json(status, body, Map.of());
        }

        /** A JSON body with a status and extra headers. */
        static Reply json(int status, String body, Map<String, String> headers) {
            return response -> {
                headers.forEach(response::header);
                return response.status(status)
                        .header("content-type", "application/json")
                        .sendString(Mono.just(body), StandardCharsets.UTF_8)
                        .then();
            };
        }

        /**
         * A {@code text/event-stream} body written as the given byte slices, each flushed on its own after
         * {@code pause}; slices may cut events, lines and {@code \r\n} pairs anywhere.
         */
        static Reply sse(Duration pause, List<String> slices) {
            return response -> response.status(200)
                    .header("content-type", "text/event-stream")
                    .send(slices(pause, slices), buffer -> true)
                    .then();
        }

        /** Like {@link #sse(Duration, List)}, then the connection is closed without finishing the response. */
        static Reply sseThenReset(Duration pause, List<String> slices) {
            return response -> response.status(200)
                    .header("content-type", "text/event-stream")
                    .send(slices(pause, slices), buffer -> true)
                    .then()
                    .then(Mono.delay(pause))
                    .then(Mono.<Void>fromRunnable(() -> response.withConnection(c -> {
                        // closing is the point; how it went does not matter
                        var unused = c.channel().close();
                    })))
                    .then(Mono.never());
        }

        /** The given slices at once, then silence with the connection left open. */
        static Reply sseThenHang(List<String> slices) {
            return response -> response.status(200)
                    .header("content-type", "text/event-stream")
                    .send(slices(Duration.ZERO, slices), buffer -> true)
                    .then()
                    .then(Mono.never());
        }

        /** Events produced every {@code pause} until the client goes away. */
        static Reply sseForever(Duration pause, Function<Long, String> eventAt) {
            return response -> response.status(200)
                    .header("content-type", "text/event-stream")
                    .send(Flux.interval(pause).map(i -> buffer(eventAt.apply(i))), buffer -> true)
                    .then();
        }

        /** Accepts the request and never answers. */
        static Reply hang() {
            return response -> Mono.never();
        }

        /** Waits, then plays another reply. */
        static Reply delayed(Duration delay, Reply then) {
            return response -> Mono.delay(delay).then(then.write(response));
        }

        private static Flux<ByteBuf> slices(Duration pause, List<String> slices) {
            Flux<String> source = Flux.fromIterable(slices);
            if (!pause.isZero()) {
                source = source.delayElements(pause);
            }
            return source.map(Reply::buffer);
        }

        private static ByteBuf buffer(String text) {
            return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
