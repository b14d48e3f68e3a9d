package io.llmgateway.app.api;

import io.llmgateway.app.config.RequestArrival;
import io.llmgateway.app.error.ErrorMapper;
import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.pipeline.ChatAnswer;
import io.llmgateway.app.pipeline.ModelCallPipeline;
import io.llmgateway.app.pipeline.RequestIds;
import io.llmgateway.auth.Caller;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
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
 */
@RestController
public class ChatCompletionsController {

    private final ModelCallPipeline pipeline;
    private final SseEncoder sse;
    private final ErrorMapper errors;
    private final StreamShutdown streams;

    public ChatCompletionsController(ModelCallPipeline pipeline, ErrorMapper errors, JsonMapper gatewayJsonMapper,
                                     StreamShutdown streams) {
        this.pipeline = pipeline;
        this.errors = errors;
        this.streams = streams;
        this.sse = new SseEncoder(gatewayJsonMapper);
    }

    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Void> chatCompletions(Caller caller, @RequestBody ObjectNode body, ServerWebExchange exchange) {
        long started = RequestArrival.nanos(exchange);
        String requestId = RequestIds.next();
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().set(RequestIds.HEADER, requestId);
        return pipeline.chat(requestId, caller, body, started).flatMap(answer ->
                answer instanceof ChatAnswer.Stream stream ? writeStream(stream, response)
                        : writeJson((ChatAnswer.Json) answer, response));
    }

    private static Mono<Void> writeJson(ChatAnswer.Json answer, ServerHttpResponse response) {
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        setWhenCommitted(response, answer.headers());
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(answer.json())));
    }

    private Mono<Void> writeStream(ChatAnswer.Stream answer, ServerHttpResponse response) {
        DataBufferFactory buffers = response.bufferFactory();
        return streams.openUntilWritten(answer.events()
                .switchOnFirst((first, events) -> {
                    if (first.isOnError()) {
                        return Mono.error(first.getThrowable());
                    }
                    response.setStatusCode(HttpStatus.OK);
                    HttpHeaders headers = response.getHeaders();
                    headers.setContentType(MediaType.TEXT_EVENT_STREAM);
                    headers.setCacheControl("no-cache");
                    headers.set("X-Accel-Buffering", "no");
                    setWhenCommitted(response, answer.headers());
                    // one flat stream of events: Reactor Netty writes each as it comes and flushes as soon as no
                    // further event is ready, so a chunk leaves when it arrives without a flush publisher per event
                    Flux<DataBuffer> written = events
                            .map(buffers::wrap)
                            .concatWith(Mono.fromSupplier(() -> sse.done(buffers)))
                            .onErrorResume(error -> Mono.just(sse.error(errors.toException(error).toBody(), buffers)));
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
