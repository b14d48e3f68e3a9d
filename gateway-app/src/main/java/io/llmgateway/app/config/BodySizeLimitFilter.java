package io.llmgateway.app.config;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses a body over the limit with 413, without holding it: a declared {@code Content-Length} over the limit is
 * refused before anything is parsed, a chunked body as soon as it grows past the limit. Either way the rest of the
 * body is read and dropped (up to {@value #DRAIN_BYTES} bytes more) before the answer, so that the client, which is
 * still sending, reads the 413 instead of a connection reset. A {@link PathLimit} gives one endpoint its own limit
 * (file uploads are larger than JSON bodies).
 */
public class BodySizeLimitFilter implements WebFilter {

    /** How much of a refused body is read and dropped so that its sender gets the answer; beyond, it is cut off. */
    static final long DRAIN_BYTES = 32L * 1024 * 1024;

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
        ServerHttpRequest request = exchange.getRequest();
        long length = request.getHeaders().getContentLength();
        long limit = limitFor(request);
        if (length > limit) {
            InvalidRequestException tooLarge = InvalidRequestException.bodyTooLarge(limit);
            if (length > limit + DRAIN_BYTES) {
                return Mono.error(tooLarge);
            }
            return request.getBody().doOnNext(DataBufferUtils::release).then(Mono.error(tooLarge));
        }
        if (length < 0 && request.getHeaders().containsHeader("Transfer-Encoding")) {
            return chain.filter(
                    exchange.mutate().request(new Bounded(request, limit)).build());
        }
        return chain.filter(exchange);
    }

    private long limitFor(ServerHttpRequest request) {
        for (PathLimit pathLimit : pathLimits) {
            if (pathLimit.method().equals(request.getMethod().name())
                    && pathLimit
                            .path()
                            .equals(request.getPath().pathWithinApplication().value())) {
                return pathLimit.maxBytes();
            }
        }
        return maxBytes;
    }

    /**
     * A chunked body that passes on at most {@code limit} bytes; past them it drops what comes and ends with the 413
     * when the client has finished, or at once when the client sends more than {@link #DRAIN_BYTES} too many.
     */
    private static final class Bounded extends ServerHttpRequestDecorator {

        private final long limit;

        Bounded(ServerHttpRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> {
                AtomicLong total = new AtomicLong();
                AtomicBoolean over = new AtomicBoolean();
                return super.getBody()
                        .<DataBuffer>handle((buffer, sink) -> {
                            long seen = total.addAndGet(buffer.readableByteCount());
                            if (seen <= limit) {
                                sink.next(buffer);
                                return;
                            }
                            DataBufferUtils.release(buffer);
                            over.set(true);
                            if (seen > limit + DRAIN_BYTES) {
                                sink.error(InvalidRequestException.bodyTooLarge(limit));
                            }
                        })
                        .concatWith(Mono.defer(() ->
                                over.get() ? Mono.error(InvalidRequestException.bodyTooLarge(limit)) : Mono.empty()));
            });
        }
    }

    /** Another limit for one method and exact path, declared as a bean (e.g. {@code POST /v1/files}). */
    public record PathLimit(String method, String path, long maxBytes) {}
}
