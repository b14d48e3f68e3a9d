package io.llmgateway.app.security;

import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Gives data-plane handlers the {@link Caller} that {@link DataPlaneAuthenticationFilter} resolved. */
public class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Mono<Object> resolveArgument(
            MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
        Caller caller = DataPlaneAuthenticationFilter.callerOf(exchange);
        return caller != null ? Mono.just(caller) : Mono.error(AccessException.invalidApiKey());
    }
}
