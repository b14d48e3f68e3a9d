package io.llmgateway.provider.example;

import io.llmgateway.core.json.GatewayJson;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/** Contributes the {@code reverse} provider type: all a provider module needs to be found by the gateway. */
@AutoConfiguration
public class ReverseProviderAutoConfiguration {

    @Bean
    ReverseProviderType reverseProviderType(ObjectProvider<JsonMapper> json) {
        return new ReverseProviderType(json.getIfUnique(GatewayJson::newMapper));
    }
}
