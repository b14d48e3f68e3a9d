package io.llmgateway.app.error;

import io.llmgateway.core.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every failure that reaches the web layer as OpenAI's error body with its status and, where it
 * applies, {@code Retry-After}. Runs before Spring Boot's own error handler, so no other error shape leaks out.
 */
public class OpenAiErrorWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorWebExceptionHandler.class);

    private final ErrorMapper errors;
    private final JsonMapper json;

    public OpenAiErrorWebExceptionHandler(ErrorMapper errors, JsonMapper json) {
        this.errors = errors;
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            // the client went away or the stream already reported its error; nothing more can be said
            log.debug("Failure after the response was committed: {}", error.toString());
            return Mono.empty();
        }
        ServerHttpRequest request = exchange.getRequest();
        GatewayException failure = errors.toException(
                error, request.getMethod().name(), request.getPath().value());
        response.setStatusCode(HttpStatus.valueOf(failure.status()));
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.remove(HttpHeaders.CACHE_CONTROL);
        if (failure.status() == 401) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"llm-gateway\"");
        }
        failure.headers().forEach(headers::set);
        failure.retryAfter()
                .ifPresent(wait -> headers.set(
                        HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000))));
        byte[] body = json.writeValueAsBytes(failure.toBody());
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }
}
