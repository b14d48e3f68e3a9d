package io.llmgateway.app.api;

import io.llmgateway.app.chat.AdmittedRequest;
import io.llmgateway.app.chat.ChatCompletionService;
import io.llmgateway.app.chat.RequestContext;
import io.llmgateway.app.error.ErrorMapper;
import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.usage.RequestIds;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionRequest;
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

/**
 * {@code POST /v1/chat/completions}: a {@code chat.completion} JSON, or with {@code stream: true} a
 * {@code text/event-stream} of {@code chat.completion.chunk} events, each flushed as it arrives, then
 * {@code data: [DONE]}.
 *
 * <p>The HTTP status of a stream is decided by its first upstream event: a failure before it is an ordinary
 * JSON error with its status; a failure after it is an error event that ends the stream without {@code [DONE]}.
 * Every admitted response carries the {@code x-ratelimit-*} headers of the limits that apply and
 * {@code x-gateway-overhead-ms}, the time the gateway itself added before the first byte.
 */
@RestController
public class ChatCompletionsController {

    static final String DROPPED_PARAMS_HEADER = "x-gateway-dropped-params";
    static final String OVERHEAD_HEADER = "x-gateway-overhead-ms";

    private final ChatCompletionService chat;
    private final SseEncoder sse;
    private final ErrorMapper errors;
    private final JsonMapper json;
    private final StreamShutdown streams;

    public ChatCompletionsController(ChatCompletionService chat, ErrorMapper errors, JsonMapper gatewayJsonMapper,
                                     StreamShutdown streams) {
        this.chat = chat;
        this.streams = streams;
        this.errors = errors;
        this.json = gatewayJsonMapper;
        this.sse = new SseEncoder(gatewayJsonMapper);
    }

    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Void> chatCompletions(Caller caller, @RequestBody ChatCompletionRequest request,
                                      ServerWebExchange exchange) {
        long started = System.nanoTime();
        String requestId = RequestIds.next();
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().set(RequestIds.HEADER, requestId);
        RequestContext context = chat.check(requestId, caller, request, started);
        if (!context.droppedParams().isEmpty()) {
            response.getHeaders().set(DROPPED_PARAMS_HEADER, String.join(", ", context.droppedParams()));
        }
        return chat.count(context)
                .flatMap(chat::retrieve)
                .flatMap(chat::admit)
                .onErrorMap(Admission.Refused.class, refused -> {
                    refused.headers().applyTo(response.getHeaders());
                    return refused.error();
                })
                .flatMap(admitted -> {
                    admitted.rateLimits().applyTo(response.getHeaders());
                    return request.streaming() ? writeStream(admitted, response) : writeJson(admitted, response);
                });
    }

    private Mono<Void> writeJson(AdmittedRequest admitted, ServerHttpResponse response) {
        return chat.complete(admitted).flatMap(completion -> {
            response.setStatusCode(HttpStatus.OK);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            setOverhead(admitted, response);
            return response.writeWith(Mono.fromSupplier(() -> encode(completion, response.bufferFactory())));
        });
    }

    private DataBuffer encode(ChatCompletion completion, DataBufferFactory buffers) {
        return buffers.wrap(json.writeValueAsBytes(completion));
    }

    private Mono<Void> writeStream(AdmittedRequest admitted, ServerHttpResponse response) {
        DataBufferFactory buffers = response.bufferFactory();
        return streams.openUntilWritten(streams.endAtShutdown(chat.stream(admitted))
                .switchOnFirst((first, chunks) -> {
                    if (first.isOnError()) {
                        return Mono.error(first.getThrowable());
                    }
                    response.setStatusCode(HttpStatus.OK);
                    HttpHeaders headers = response.getHeaders();
                    headers.setContentType(MediaType.TEXT_EVENT_STREAM);
                    headers.setCacheControl("no-cache");
                    headers.set("X-Accel-Buffering", "no");
                    setOverhead(admitted, response);
                    // one flat stream of events: Reactor Netty writes each as it comes and flushes as soon as no
                    // further event is ready, so a chunk leaves when it arrives (chunks that arrive in one read
                    // leave in one flush) without a flush publisher per event
                    Flux<DataBuffer> events = chunks
                            .map(chunk -> sse.chunk(chunk, buffers))
                            .concatWith(Mono.fromSupplier(() -> sse.done(buffers)))
                            .onErrorResume(error -> Mono.just(sse.error(errors.toException(error).toBody(), buffers)));
                    return response.writeWith(events);
                })
                .then());
    }

    private static void setOverhead(AdmittedRequest admitted, ServerHttpResponse response) {
        response.getHeaders().set(OVERHEAD_HEADER, MillisText.of(admitted.meter().overheadNanos()));
    }
}
