package io.llmgateway.app.security;

import io.llmgateway.app.admin.AdminAccessPolicy;
import io.llmgateway.app.admin.AdminActor;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.core.error.AccessException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.WebSessionServerCsrfTokenRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's door to the {@link AdminAccessPolicy} for {@code /admin/v1} and the actuator. The holder is a
 * bearer key or, for a request without one, a signed-in console session, whose changes must carry the session's
 * CSRF token in {@code X-CSRF-TOKEN}. A refusal is the policy's own 403, which says what is missing; a grant is
 * kept on the exchange as the request's {@link AdminActor}, for the handlers and the audit log.
 */
final class AdminAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

    static final String CSRF_HEADER = "X-CSRF-TOKEN";
    private static final String ACTOR = AdminActor.class.getName();
    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);
    private static final WebSessionServerCsrfTokenRepository CSRF_TOKENS = new WebSessionServerCsrfTokenRepository();

    private final AdminAccessPolicy policy;
    private final ClientAddresses addresses;

    AdminAuthorization(AdminAccessPolicy policy, ClientAddresses addresses) {
        this.policy = policy;
        this.addresses = addresses;
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        ServerWebExchange exchange = context.getExchange();
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        String address = addresses.of(request);
        return authentication
                .mapNotNull(found -> found instanceof KeyAuthentication key ? key.key() : null)
                .flatMap(key -> policy.authorize(key, request.getMethod(), path, request.getQueryParams(), address))
                .switchIfEmpty(Mono.defer(() -> fromSession(exchange, path, address)))
                .map(actor -> {
                    exchange.getAttributes().put(ACTOR, actor);
                    return GRANTED;
                });
    }

    /** A request without a key: the console session's holder, if the request has a session and it is signed in. */
    private Mono<AdminActor> fromSession(ServerWebExchange exchange, String path, String address) {
        ServerHttpRequest request = exchange.getRequest();
        if (!request.getCookies().containsKey(ConsoleAuthentication.SESSION_COOKIE)) {
            return Mono.error(AccessException::invalidApiKey);
        }
        return exchange.getSession()
                .mapNotNull(session -> session.getAttribute(
                        WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME))
                .cast(SecurityContext.class)
                .mapNotNull(context ->
                        context.getAuthentication() instanceof ConsoleAuthentication console ? console : null)
                .switchIfEmpty(Mono.error(AccessException::invalidApiKey))
                .flatMap(console -> policy.sessionStands(
                                "sso".equals(console.via()) ? null : console.actorId(), console.userId())
                        .then(csrfChecked(exchange))
                        .then(policy.authorize(
                                console.actorId(),
                                console.adminToken() ? KeyKind.ADMIN : KeyKind.PAT,
                                console.userId(),
                                request.getMethod(),
                                path,
                                request.getQueryParams(),
                                address)));
    }

    /** A change made with a session carries the session's CSRF token: a cross-site form cannot. */
    private static Mono<Void> csrfChecked(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)) {
            return Mono.empty();
        }
        String sent = exchange.getRequest().getHeaders().getFirst(CSRF_HEADER);
        return CSRF_TOKENS
                .loadToken(exchange)
                .filter(token -> sent != null
                        && MessageDigest.isEqual(
                                token.getToken().getBytes(StandardCharsets.UTF_8),
                                sent.getBytes(StandardCharsets.UTF_8)))
                .switchIfEmpty(Mono.error(() -> AccessException.forbidden(
                        "This change needs the console's CSRF token in " + CSRF_HEADER + ": reload the page.",
                        "csrf_token_invalid")))
                .then();
    }

    /** The grant of this request, once authorised. */
    static @Nullable AdminActor actor(ServerWebExchange exchange) {
        return exchange.getAttribute(ACTOR);
    }
}
