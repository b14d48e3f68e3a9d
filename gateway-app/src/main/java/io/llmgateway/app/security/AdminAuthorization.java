package io.llmgateway.app.security;

import io.llmgateway.app.admin.AdminAccessPolicy;
import io.llmgateway.app.admin.AdminActor;
import io.llmgateway.core.error.AccessException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's door to the {@link AdminAccessPolicy} for {@code /admin/v1} and the actuator. A refusal is the
 * policy's own 403, which says what is missing; a grant is kept on the exchange as the request's
 * {@link AdminActor}, for the handlers and the audit log.
 */
final class AdminAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

    private static final String ACTOR = AdminActor.class.getName();
    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

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
        return authentication
                .mapNotNull(found -> found instanceof KeyAuthentication key ? key.key() : null)
                .switchIfEmpty(Mono.error(AccessException::invalidApiKey))
                .flatMap(key -> policy.authorize(
                        key,
                        request.getMethod(),
                        request.getPath().pathWithinApplication().value(),
                        request.getQueryParams(),
                        addresses.of(request)))
                .map(actor -> {
                    exchange.getAttributes().put(ACTOR, actor);
                    return GRANTED;
                });
    }

    /** The grant of this request, once authorised. */
    static @Nullable AdminActor actor(ServerWebExchange exchange) {
        return exchange.getAttribute(ACTOR);
    }
}
