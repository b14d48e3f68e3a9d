package io.llmgateway.app.tokens;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The models' tokenizers and the bounded place where long texts are counted. */
@Configuration(proxyBeanMethods = false)
public class TokenizerConfiguration {

    /** Loads each model's tokenizer when the routes are built. */
    @Bean
    @ConditionalOnMissingBean
    ModelTokenizers modelTokenizers() {
        return new ModelTokenizers();
    }

    /** Its pool is disposed at shutdown ({@link AutoCloseable}). */
    @Bean
    TokenCounting tokenCounting(TokenizerProperties properties) {
        return new TokenCounting(properties);
    }
}
