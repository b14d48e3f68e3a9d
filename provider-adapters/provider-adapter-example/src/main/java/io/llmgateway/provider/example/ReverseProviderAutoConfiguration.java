package io.llmgateway.provider.example;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Contributes the {@code reverse} provider type: all a provider module needs to be found by the gateway. */
@AutoConfiguration
public class ReverseProviderAutoConfiguration {

    @Bean
    ReverseProviderType reverseProviderType() {
        return new ReverseProviderType();
    }
}
