package io.llmgateway.app.api;

import io.llmgateway.app.config.RequestArrival;
import io.llmgateway.app.error.ErrorMapper;
import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.pipeline.ChatAnswer;
import io.llmgateway.app.pipeline.ModelCallPipeline;
import io.llmgateway.app.pipeline.RequestIds;
import io.llmgateway.app.security.DataPlaneAuthenticationFilter;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/chat/completions}: a {@code chat.completion} JSON, or with {@code stream: true} a
 * {@code text/event-stream} of {@code chat.completion.chunk} events, each flushed as it arrives, then
 * {@code data: [DONE]}. The pipeline does the work; this writes its answer.
 *
 * <p>The HTTP status of a stream is decided by its first upstream event: a failure before it is an ordinary
 * JSON error with its status; a failure after it is an error event that ends the stream without {@code [DONE]}.
 *
 * <p>A functional endpoint ({@link DataPlaneRoutes}), not an annotated controller: WebFlux builds an annotated
 * handler's argument resolution anew for every request (a 256-slot cache among it, about 3 KB), which on the
 * gateway's hottest path is a cost without a use. It answers as the annotated mapping did: 405 for another method,
 * 415 for a body that is not JSON, 400 for none.
 */
@Component
public class ChatCompletionsHandler {

    private static final Set<HttpMethod> ALLOWED = Set.of(HttpMethod.POST);
    private static final List<MediaType> JSON_ONLY = List.of(MediaType.APPLICATION_JSON);

    private final ModelCallPipeline pipeline;
    private final SseEncoder sse;
    private final ErrorMapper errors;
    private final StreamShutdown streams;

    public ChatCompletionsHandler(
            ModelCallPipeline pipeline, ErrorMapper errors, JsonMapper gatewayJsonMapper, StreamShutdown streams) {
        this.pipeline = pipeline;
        this.errors = errors;
        this.streams = streams;
        this.sse = new SseEncoder(gatewayJsonMapper);
    }

    /** {@code /v1/chat/completions}, whatever the method. */
    public Mono<ServerResponse> chatCompletions(ServerRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return Mono.error(new MethodNotAllowedException(request.method(), ALLOWED));
        }
        MediaType contentType = request.headers().contentType().orElse(null);
        if (contentType == null || !MediaType.APPLICATION_JSON.includes(contentType)) {
            return Mono.error(new UnsupportedMediaTypeStatusException(contentType, JSON_ONLY, HttpMethod.POST));
        }
        ServerWebExchange exchange = request.exchange();
        Caller caller = DataPlaneAuthenticationFilter.callerOf(exchange);
        if (caller == null) {
            return Mono.error(AccessException.invalidApiKey());
        }
        long started = RequestArrival.nanos(exchange);
        ServerHttpResponse response = exchange.getResponse();
        return request.bodyToMono(ObjectNode.class)
                .switchIfEmpty(Mono.error(() -> new ServerWebInputException("No request body")))
                .flatMap(body -> {
                    // the id of the request's usage record: a body refused before this point leaves none
                    String requestId = RequestIds.next();
                    response.getHeaders().set(RequestIds.HEADER, requestId);
                    return pipeline.chat(requestId, caller, body, started);
                })
                .map(answer -> new WrittenResponse(
                        response,
                        () -> answer instanceof ChatAnswer.Stream stream
                                ? writeStream(stream, response)
                                : writeJson((ChatAnswer.Json) answer, response)));
    }

    private static Mono<Void> writeJson(ChatAnswer.Json answer, ServerHttpResponse response) {
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        setWhenCommitted(response, answer.headers());
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(answer.json())));
    }

    private Mono<Void> writeStream(ChatAnswer.Stream answer, ServerHttpResponse response) {
        DataBufferFactory buffers = response.bufferFactory();
        return streams.openUntilWritten(answer.events()
                .switchOnFirst((first, events) -> {
                    if (first.isOnError()) {
                        return Mono.error(Objects.requireNonNull(first.getThrowable(), "an error signal's error"));
                    }
                    response.setStatusCode(HttpStatus.OK);
                    HttpHeaders headers = response.getHeaders();
                    headers.setContentType(MediaType.TEXT_EVENT_STREAM);
                    headers.setCacheControl("no-cache");
                    headers.set("X-Accel-Buffering", "no");
                    setWhenCommitted(response, answer.headers());
                    // one flat stream of events: Reactor Netty writes each as it comes and flushes as soon as no
                    // further event is ready, so a chunk leaves when it arrives without a flush publisher per event
                    Flux<DataBuffer> written = events.map(buffers::wrap)
                            .concatWith(Mono.fromSupplier(() -> sse.done(buffers)))
                            .onErrorResume(error -> Mono.just(
                                    sse.error(errors.toException(error).toBody(), buffers)));
                    return response.writeWith(written);
                })
                .then());
    }

    /**
     * The answer's own headers, asked for right before the response's head is written: the gateway's overhead then
     * counts everything up to there.
     */
    private static void setWhenCommitted(ServerHttpResponse response, Supplier<Map<String, String>> values) {
        response.beforeCommit(() -> Mono.fromRunnable(() -> values.get().forEach(response.getHeaders()::set)));
    }
}
