package io.llmgateway.app.console;

import io.llmgateway.app.security.ConsoleAuthentication;
import java.util.List;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.session.WebSessionIdResolver;

/**
 * The console's session cookie: {@code HttpOnly}, {@code SameSite=Lax} (the redirect back from the identity
 * provider is a top-level navigation, which {@code Strict} would strip of it), a session cookie of the browser (no
 * {@code Max-Age}: the server ends the session), and {@code Secure} as configured.
 */
final class SessionCookie implements WebSessionIdResolver {

    static final String NAME = ConsoleAuthentication.SESSION_COOKIE;

    private final ConsoleProperties.SecureCookie secure;

    SessionCookie(ConsoleProperties.SecureCookie secure) {
        this.secure = secure;
    }

    @Override
    public List<String> resolveSessionIds(ServerWebExchange exchange) {
        List<HttpCookie> cookies = exchange.getRequest().getCookies().get(NAME);
        return cookies == null
                ? List.of()
                : cookies.stream().map(HttpCookie::getValue).toList();
    }

    @Override
    public void setSessionId(ServerWebExchange exchange, String id) {
        exchange.getResponse()
                .getCookies()
                .set(NAME, cookie(exchange.getRequest(), id).build());
    }

    @Override
    public void expireSession(ServerWebExchange exchange) {
        exchange.getResponse()
                .getCookies()
                .set(NAME, cookie(exchange.getRequest(), "").maxAge(0).build());
    }

    private ResponseCookie.ResponseCookieBuilder cookie(ServerHttpRequest request, String value) {
        return ResponseCookie.from(NAME, value)
                .path("/")
                .httpOnly(true)
                .sameSite("Lax")
                .secure(isSecure(request));
    }

    private boolean isSecure(ServerHttpRequest request) {
        return switch (secure) {
            case ALWAYS -> true;
            case NEVER -> false;
            // a forwarded "https" only ever adds Secure, so it needs no trusted proxy
            case AUTO ->
                request.getSslInfo() != null
                        || "https".equalsIgnoreCase(request.getHeaders().getFirst("X-Forwarded-Proto"));
        };
    }
}
