package io.llmgateway.app.security;

import io.llmgateway.app.admin.AdminActor;
import io.llmgateway.core.error.AccessException;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Gives admin handlers the {@link AdminActor} that {@link AdminAuthorization} granted the request. */
public class AdminActorArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == AdminActor.class;
    }

    @Override
    public Mono<Object> resolveArgument(
            MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
        AdminActor actor = AdminAuthorization.actor(exchange);
        return actor == null ? Mono.error(AccessException.invalidApiKey()) : Mono.just(actor);
    }
}
