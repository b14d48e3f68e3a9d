package io.llmgateway.bench.floor;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Arrays;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The stack's floor for {@code bench/run.sh}: {@code POST /v1/chat/completions} forwarded to the upstream and its
 * answer returned, bytes for bytes and a stream's events as they arrive, with nothing of the gateway's (no key, no
 * parsing, no limits, no ledger). It takes the gateway's place in a run ({@code FLOOR}), so it reads the same
 * arguments the script gives the gateway and ignores the rest:
 *
 * <ul>
 *   <li>{@code --floor.server=webflux} (the default): Spring Boot's WebFlux with an annotated controller and a
 *       {@code WebClient}, actuator and Prometheus metrics on: the gateway's HTTP stack as Spring Boot sets it
 *       up;</li>
 *   <li>{@code --floor.server=netty}: Reactor Netty's server and client, with no Spring at all: the layer under
 *       WebFlux that the gateway's HTTP server and upstream client are built on.</li>
 * </ul>
 */
@SpringBootApplication
public class Floor {

    private static final String PATH = "/v1/chat/completions";

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--floor.server=netty")) {
            netty(arg(args, "--server.address=", "127.0.0.1"), Integer.parseInt(arg(args, "--server.port=", "8080")),
                    arg(args, "--gateway.deployments.bench.base-url=", "http://127.0.0.1:8000/v1"));
            return;
        }
        SpringApplication.run(Floor.class, args);
    }

    private static String arg(String[] args, String prefix, String fallback) {
        return Arrays.stream(args).filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                .findFirst().orElse(fallback);
    }

    /**
     * Reactor Netty only: the request body aggregated and sent upstream; the answer's status, content type and
     * length copied and its body sent on as it arrives (a stream's events included).
     */
    private static void netty(String host, int port, String baseUrl) {
        HttpClient client = HttpClient.create()
                .baseUrl(baseUrl)
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE));
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .route(routes -> routes
                        .get("/actuator/health", (request, response) -> response
                                .header(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                                .sendString(Mono.just("{\"status\":\"UP\"}")))
                        .post(PATH, (request, response) -> request.receive().aggregate().asByteArray()
                                .flatMapMany(body -> client.post()
                                        .uri("/chat/completions")
                                        .send(ByteBufFlux.fromInbound(Mono.just(body)))
                                        .response((answer, answerBody) -> {
                                            response.status(answer.status());
                                            copy(answer.responseHeaders(), response, HttpHeaderNames.CONTENT_TYPE);
                                            copy(answer.responseHeaders(), response, HttpHeaderNames.CONTENT_LENGTH);
                                            return response.send(answerBody.retain());
                                        }))
                                .then()))
                .bindNow();
        System.out.println("floor (reactor-netty) listening on " + host + ":" + server.port() + ", upstream " + baseUrl);
        server.onDispose().block();
    }

    private static void copy(HttpHeaders from, HttpServerResponse to, CharSequence name) {
        String value = from.get(name);
        if (value != null) {
            to.header(name, value);
        }
    }

    /** WebFlux: an annotated controller and a {@code WebClient}; the request body as bytes, the answer's as buffers. */
    @RestController
    static class Forward {

        private final WebClient upstream;

        Forward(@Value("${gateway.deployments.bench.base-url}") String baseUrl) {
            // built as the gateway builds its upstream clients: WebClient.builder() on Reactor Netty's defaults
            this.upstream = WebClient.builder().baseUrl(baseUrl).build();
        }

        /**
         * The answer's status and content type, and its body as it arrives: a JSON answer, or a stream's events
         * (WebFlux flushes each one, the content type being {@code text/event-stream}).
         */
        @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
        Mono<ResponseEntity<Flux<DataBuffer>>> forward(@RequestBody byte[] body) {
            return upstream.post()
                    .uri("/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .retrieve()
                    .toEntityFlux(DataBuffer.class)
                    .map(answer -> {
                        ResponseEntity.BodyBuilder reply = ResponseEntity.status(answer.getStatusCode());
                        org.springframework.http.HttpHeaders headers = answer.getHeaders();
                        if (headers.getContentType() != null) {
                            reply.contentType(headers.getContentType());
                        }
                        if (headers.getContentLength() >= 0) {
                            reply.contentLength(headers.getContentLength());
                        }
                        return reply.body(answer.getBody());
                    });
        }
    }
}
