package io.llmgateway.provider.octo;

import io.llmgateway.provider.openai.OpenAiProviderAutoConfiguration;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Contributes the {@code octo} provider type, on the {@code openai} adapter's transport. */
@AutoConfiguration(after = OpenAiProviderAutoConfiguration.class)
public class OctoProviderAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OctoProviderFactory octoProviderFactory(OpenAiProviderFactory transport) {
        return new OctoProviderFactory(transport);
    }
}
