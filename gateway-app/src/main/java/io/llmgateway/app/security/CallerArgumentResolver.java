package io.llmgateway.app.security;

import io.llmgateway.auth.Caller;
import io.llmgateway.auth.CallerResolver;
import io.llmgateway.core.error.AccessException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Gives data-plane handlers a {@link Caller} parameter: the verified key plus the identity headers. */
public class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    private final CallerResolver callers;

    public CallerArgumentResolver(CallerResolver callers) {
        this.callers = callers;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
                                        ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication() instanceof KeyAuthentication key ? key.key() : null)
                .switchIfEmpty(Mono.error(AccessException::invalidApiKey))
                .flatMap(key -> callers.resolve(key, headers.getFirst(CallerResolver.USER_HEADER),
                        headers.getFirst(CallerResolver.PROJECT_HEADER)))
                .cast(Object.class);
    }
}
