package io.llmgateway.app.security;

import io.llmgateway.auth.CallerResolver;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/** Registers the {@link CallerArgumentResolver} and the {@link AdminActorArgumentResolver}. */
@Configuration(proxyBeanMethods = false)
public class CallerWebConfiguration implements WebFluxConfigurer {

    private final CallerResolver callers;

    public CallerWebConfiguration(CallerResolver callers) {
        this.callers = callers;
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new CallerArgumentResolver(callers));
        configurer.addCustomResolver(new AdminActorArgumentResolver());
    }
}
