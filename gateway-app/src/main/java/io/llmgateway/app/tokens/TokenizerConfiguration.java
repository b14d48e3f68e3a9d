package io.llmgateway.app.tokens;

import io.llmgateway.core.tokens.TokenCounter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The tokenizer and the bounded place where long texts are counted. */
@Configuration(proxyBeanMethods = false)
public class TokenizerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TokenCounter tokenCounter() {
        return TokenCounter.cl100k();
    }

    /** Its pool is disposed at shutdown ({@link AutoCloseable}). */
    @Bean
    TokenCounting tokenCounting(TokenCounter tokenCounter, TokenizerProperties properties) {
        return new TokenCounting(tokenCounter, properties);
    }
}
