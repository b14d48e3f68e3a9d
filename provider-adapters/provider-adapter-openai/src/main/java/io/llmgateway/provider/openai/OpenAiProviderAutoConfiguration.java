package io.llmgateway.provider.openai;

import io.llmgateway.core.json.GatewayJson;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Contributes the {@code openai} provider type. The pool settings are the application's if it defines them
 * ({@code gateway.upstream-pool}), the adapter's defaults otherwise; the JSON mapper is the application's primary one,
 * or one with the gateway's wire settings.
 */
@AutoConfiguration
public class OpenAiProviderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OpenAiProviderFactory.PoolSettings openAiPoolSettings() {
        return OpenAiProviderFactory.PoolSettings.DEFAULTS;
    }

    @Bean
    @ConditionalOnMissingBean
    OpenAiProviderFactory openAiProviderFactory(
            ObjectProvider<JsonMapper> json, OpenAiProviderFactory.PoolSettings pool) {
        return new OpenAiProviderFactory(json.getIfUnique(GatewayJson::newMapper), pool);
    }
}
