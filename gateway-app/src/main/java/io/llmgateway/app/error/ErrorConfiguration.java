package io.llmgateway.app.error;

import io.llmgateway.app.config.HttpProperties;
import io.llmgateway.core.error.InvalidRequestException;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
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

    /** What Spring Security's firewall refuses (a path with {@code %00} or {@code ..}, a header with a control). */
    @Bean
    ServerExchangeRejectedHandler serverExchangeRejectedHandler(OpenAiErrorWebExceptionHandler errors) {
        return (exchange, rejected) -> errors.handle(
                exchange,
                InvalidRequestException.httpStatus(
                        400,
                        rejected.getMessage() + ".",
                        rejected.getMessage() != null && rejected.getMessage().contains("header")
                                ? "invalid_header"
                                : "invalid_url"));
    }

    /** What is refused before the gateway sees it: a request line or headers too long, a target not a URI. */
    @Bean
    NettyServerCustomizer malformedRequests(JsonMapper gatewayJsonMapper) {
        return MalformedRequests.customizer(gatewayJsonMapper);
    }
}
