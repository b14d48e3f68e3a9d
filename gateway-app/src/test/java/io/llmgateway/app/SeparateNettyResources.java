package io.llmgateway.app;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Gives a test gateway its own Reactor Netty event loops instead of the JVM-wide ones, so that closing one of
 * several gateways started in one test JVM does not stop the others.
 */
@Configuration(proxyBeanMethods = false)
class SeparateNettyResources {

    @Bean
    ReactorResourceFactory reactorResourceFactory() {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        return factory;
    }
}
