package io.llmgateway.app.security;

import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.core.error.AccessException;
import java.net.InetSocketAddress;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads {@code Authorization: Bearer <key>}. A client address that failed too often is refused here with 429,
 * before its key is looked at.
 */
public class BearerKeyConverter implements ServerAuthenticationConverter {

    private static final String BEARER = "bearer ";

    private final AuthFailureThrottle throttle;

    public BearerKeyConverter(AuthFailureThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Mono.empty();
        }
        var refusal = throttle.refusal(clientAddress(exchange));
        if (refusal.isPresent()) {
            return Mono.error(AccessException.tooManyFailures(refusal.get()));
        }
        return Mono.just(KeyAuthentication.unverified(token(header)));
    }

    /** The key of an {@code Authorization: Bearer <key>} header; empty when the header is not a bearer one. */
    static String token(String header) {
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "";
        }
        return header.substring(BEARER.length()).strip();
    }

    static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
