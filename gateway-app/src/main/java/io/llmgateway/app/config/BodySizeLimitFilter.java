package io.llmgateway.app.config;

import io.llmgateway.core.error.InvalidRequestException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body whose declared {@code Content-Length} exceeds the limit before reading it. A chunked body
 * without a length is cut off by the codecs' in-memory limit, which the error mapping also turns into a 413.
 */
public class BodySizeLimitFilter implements WebFilter {

    private final long maxBytes;

    public BodySizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > maxBytes) {
            return Mono.error(InvalidRequestException.bodyTooLarge(maxBytes));
        }
        return chain.filter(exchange);
    }
}
