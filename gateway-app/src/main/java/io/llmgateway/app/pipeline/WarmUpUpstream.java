package io.llmgateway.app.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An OpenAI-compatible upstream in process, on a loopback port, for the warm-up only: it answers every chat
 * completion with the same short answer, as JSON or as a stream of a few chunks with a usage chunk, so that the
 * warm-up runs the real adapter, its HTTP client and its stream parser.
 */
final class WarmUpUpstream implements AutoCloseable {

    private static final String COMPLETION = "{\"id\":\"chatcmpl-warm-up\",\"object\":\"chat.completion\","
            + "\"created\":0,\"model\":\"warm-up\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Warm and ready.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
            + "\"completion_tokens\":4,\"total_tokens\":16}}";
    private static final List<String> EVENTS = events();

    private final DisposableServer server;

    private WarmUpUpstream(DisposableServer server) {
        this.server = server;
    }

    static WarmUpUpstream start() {
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .route(routes -> routes.post(
                        "/v1/chat/completions",
                        (request, response) -> request.receive()
                                .aggregate()
                                .asString(StandardCharsets.UTF_8)
                                .defaultIfEmpty("")
                                .flatMap(body -> {
                                    if (body.contains("\"stream\":true")) {
                                        return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                                                .sendString(Flux.fromIterable(EVENTS))
                                                .then();
                                    }
                                    return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                            .sendString(Mono.just(COMPLETION))
                                            .then();
                                })))
                .bindNow();
        return new WarmUpUpstream(server);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    private static List<String> events() {
        List<String> events = new ArrayList<>();
        String head = "data: {\"id\":\"chatcmpl-warm-up\",\"object\":\"chat.completion.chunk\",\"created\":0,"
                + "\"model\":\"warm-up\",\"choices\":[";
        for (String piece : new String[] {"Warm", " and", " ready", "."}) {
            events.add(head + "{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"},\"finish_reason\":null}]}\n\n");
        }
        events.add(head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events.add(head + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,\"total_tokens\":16}}\n\n");
        events.add("data: [DONE]\n\n");
        return List.copyOf(events);
    }
}
