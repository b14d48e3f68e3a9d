package io.llmgateway.app.api;

import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The answer of a functional endpoint that writes the exchange's response itself (status, headers and bytes as they
 * come), instead of having a {@link ServerResponse} builder copy them into it.
 */
final class WrittenResponse implements ServerResponse {

    private final ServerHttpResponse response;
    private final Supplier<Mono<Void>> writer;

    WrittenResponse(ServerHttpResponse response, Supplier<Mono<Void>> writer) {
        this.response = response;
        this.writer = writer;
    }

    @Override
    public HttpStatusCode statusCode() {
        HttpStatusCode status = response.getStatusCode();
        return status != null ? status : HttpStatus.OK;
    }

    @Override
    public HttpHeaders headers() {
        return response.getHeaders();
    }

    @Override
    public MultiValueMap<String, ResponseCookie> cookies() {
        return response.getCookies();
    }

    @Override
    public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
        return writer.get();
    }
}
