package io.llmgateway.app.error;

import io.llmgateway.app.config.HttpProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/** Error mapping, in one place for the whole data plane. */
@Configuration(proxyBeanMethods = false)
public class ErrorConfiguration {

    @Bean
    ErrorMapper errorMapper(HttpProperties http) {
        return new ErrorMapper(http.maxBodySize().toBytes());
    }

    /** Ahead of Spring Boot's DefaultErrorWebExceptionHandler (order -1). */
    @Bean
    @Order(-2)
    OpenAiErrorWebExceptionHandler openAiErrorWebExceptionHandler(ErrorMapper errors, JsonMapper gatewayJsonMapper) {
        return new OpenAiErrorWebExceptionHandler(errors, gatewayJsonMapper);
    }
}
