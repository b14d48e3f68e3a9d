package io.llmgateway.provider.mock;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/** Contributes the {@code mock} provider type, writing with the application's JSON mapper. */
@AutoConfiguration
public class MockProviderAutoConfiguration {

    /** The mock model is a {@code cl100k_base} model: it answers and reports usage in those tokens. */
    @Bean
    @ConditionalOnMissingBean
    MockProviderFactory mockProviderFactory(ObjectProvider<JsonMapper> json) {
        return new MockProviderFactory(TiktokenTokenizer.cl100k(), json.getIfUnique(GatewayJson::newMapper));
    }
}
