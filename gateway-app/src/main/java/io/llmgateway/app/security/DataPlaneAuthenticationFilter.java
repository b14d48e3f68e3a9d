package io.llmgateway.app.security;

import io.llmgateway.app.pipeline.WarmUpCaller;
import io.llmgateway.auth.Caller;
import io.llmgateway.auth.CallerResolver;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.core.error.AccessException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authentication of the data plane ({@code /v1/...}), the one filter of its Spring Security chain (see
 * {@link SecurityConfiguration}): the bearer key is verified and, with the identity headers, resolved to the
 * {@link Caller}, which handlers receive as a parameter. A key and its project are answered from memory
 * ({@code CachedIdentityStore}), so a request costs no database round trip.
 *
 * <p>When the caches know everything (the usual case), the caller is resolved before this method returns, and the
 * rest of the request runs straight from here, as it would without authentication, instead of nested in the
 * operators that waited for the caller: the request's long reactive chain runs measurably slower nested there
 * ({@code bench/README.md}, the cost of authentication).
 *
 * <p>A failed key counts against the client's address and the key id tried ({@link AuthFailures}): 401, or 429 once
 * either failed too often. A valid key is never refused for what others did.
 */
public class DataPlaneAuthenticationFilter implements WebFilter {

    /** The exchange attribute that holds the resolved {@link Caller}. */
    static final String CALLER_ATTRIBUTE = Caller.class.getName();

    private static final String DATA_PLANE = "/v1/";

    private final KeyVerifier verifier;
    private final CallerResolver callers;
    private final AuthFailures failures;
    private final WarmUpCaller warmUp;

    public DataPlaneAuthenticationFilter(
            KeyVerifier verifier, CallerResolver callers, AuthFailures failures, WarmUpCaller warmUp) {
        this.verifier = verifier;
        this.callers = callers;
        this.failures = failures;
        this.warmUp = warmUp;
    }

    /** The caller this filter resolved for the exchange, or {@code null} (not a data-plane request). */
    public static @Nullable Caller callerOf(ServerWebExchange exchange) {
        return exchange.getAttribute(CALLER_ATTRIBUTE);
    }

    /** Whether a request belongs to the data plane, which this filter authenticates. */
    static boolean isDataPlane(ServerWebExchange exchange) {
        return exchange.getRequest().getPath().value().startsWith(DATA_PLANE);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return Mono.error(failures.failed(exchange, null));
        }
        String token = BearerKeyConverter.token(authorization);
        if (warmUp.isOpen()) {
            Caller synthetic = warmUp.authenticate(token, exchange.getRequest().getRemoteAddress());
            if (synthetic != null) {
                return proceed(exchange, chain, synthetic);
            }
        }
        CompletableFuture<Caller> caller = verifier.verify(token)
                .onErrorMap(AccessException.class, failure -> failures.failed(exchange, token))
                .flatMap(key -> callers.resolve(
                        key,
                        headers.getFirst(CallerResolver.USER_HEADER),
                        headers.getFirst(CallerResolver.PROJECT_HEADER)))
                .toFuture();
        Caller known = caller.isDone() && !caller.isCompletedExceptionally() ? caller.getNow(null) : null;
        if (known != null) {
            return proceed(exchange, chain, known);
        }
        return Mono.fromFuture(caller).flatMap(resolved -> proceed(exchange, chain, resolved));
    }

    private static Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, Caller caller) {
        exchange.getAttributes().put(CALLER_ATTRIBUTE, caller);
        return chain.filter(exchange);
    }
}
