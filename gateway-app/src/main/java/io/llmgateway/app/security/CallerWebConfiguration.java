package io.llmgateway.app.security;

import io.llmgateway.auth.CallerResolver;
import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.auth.KeyVerifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * The data plane's authentication filter, and the {@link CallerArgumentResolver} and
 * {@link AdminActorArgumentResolver} that give handlers who is calling.
 */
@Configuration(proxyBeanMethods = false)
public class CallerWebConfiguration implements WebFluxConfigurer {

    private final CallerResolver callers;

    public CallerWebConfiguration(CallerResolver callers) {
        this.callers = callers;
    }

    @Bean
    DataPlaneAuthenticationFilter dataPlaneAuthenticationFilter(KeyVerifier verifier, AuthFailureThrottle throttle) {
        return new DataPlaneAuthenticationFilter(verifier, callers, throttle);
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new CallerArgumentResolver());
        configurer.addCustomResolver(new AdminActorArgumentResolver());
    }
}
