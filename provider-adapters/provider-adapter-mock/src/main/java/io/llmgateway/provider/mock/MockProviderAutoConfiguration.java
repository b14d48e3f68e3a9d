package io.llmgateway.provider.mock;

import io.llmgateway.core.tokens.TiktokenTokenizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Contributes the {@code mock} provider type. */
@AutoConfiguration
public class MockProviderAutoConfiguration {

    /** The mock model is a {@code cl100k_base} model: it answers and reports usage in those tokens. */
    @Bean
    @ConditionalOnMissingBean
    MockProviderFactory mockProviderFactory() {
        return new MockProviderFactory(TiktokenTokenizer.cl100k());
    }
}
