package io.llmgateway.app.config;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body whose declared {@code Content-Length} exceeds the limit before reading it. A chunked body
 * without a length is cut off by the codecs' in-memory limit, which the error mapping also turns into a 413.
 * A {@link PathLimit} gives one endpoint its own limit (file uploads are larger than JSON bodies).
 */
public class BodySizeLimitFilter implements WebFilter {

    private final long maxBytes;
    private final List<PathLimit> pathLimits;

    public BodySizeLimitFilter(long maxBytes) {
        this(maxBytes, List.of());
    }

    public BodySizeLimitFilter(long maxBytes, List<PathLimit> pathLimits) {
        this.maxBytes = maxBytes;
        this.pathLimits = List.copyOf(pathLimits);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        long limit = limitFor(exchange.getRequest());
        if (length > limit) {
            return Mono.error(InvalidRequestException.bodyTooLarge(limit));
        }
        return chain.filter(exchange);
    }

    private long limitFor(ServerHttpRequest request) {
        for (PathLimit pathLimit : pathLimits) {
            if (pathLimit.method().equals(request.getMethod().name())
                    && pathLimit.path().equals(request.getPath().pathWithinApplication().value())) {
                return pathLimit.maxBytes();
            }
        }
        return maxBytes;
    }

    /** Another limit for one method and exact path, declared as a bean (e.g. {@code POST /v1/files}). */
    public record PathLimit(String method, String path, long maxBytes) {
    }
}
