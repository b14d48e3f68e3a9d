package io.llmgateway.app.security;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * The {@link CallerArgumentResolver} and {@link AdminActorArgumentResolver} that give handlers who is calling.
 */
@Configuration(proxyBeanMethods = false)
public class CallerWebConfiguration implements WebFluxConfigurer {

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new CallerArgumentResolver());
        configurer.addCustomResolver(new AdminActorArgumentResolver());
    }
}
