package io.llmgateway.provider.nim;

import io.llmgateway.provider.openai.OpenAiProviderAutoConfiguration;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Contributes the {@code nim} provider type, on the {@code openai} adapter's transport. */
@AutoConfiguration(after = OpenAiProviderAutoConfiguration.class)
public class NimProviderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    NimProviderFactory nimProviderFactory(OpenAiProviderFactory transport) {
        return new NimProviderFactory(transport);
    }
}
