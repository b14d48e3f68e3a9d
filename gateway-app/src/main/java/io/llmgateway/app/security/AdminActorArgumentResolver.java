package io.llmgateway.app.security;

import io.llmgateway.app.admin.AdminActor;
import io.llmgateway.core.error.AccessException;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Gives admin handlers an {@link AdminActor}: the admin token's key id and the client address. */
public class AdminActorArgumentResolver implements HandlerMethodArgumentResolver {

    private final ClientAddresses addresses;

    public AdminActorArgumentResolver(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == AdminActor.class;
    }

    @Override
    public Mono<Object> resolveArgument(
            MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication() instanceof KeyAuthentication key ? key.key() : null)
                .switchIfEmpty(Mono.error(AccessException::invalidApiKey))
                .map(key -> new AdminActor(key.keyId(), addresses.of(exchange.getRequest())));
    }
}
