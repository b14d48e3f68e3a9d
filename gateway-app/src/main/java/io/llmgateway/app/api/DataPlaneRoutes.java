package io.llmgateway.app.api;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The data-plane endpoints served as functional endpoints (the others are annotated controllers). WebFlux asks these
 * routes before the annotated mappings.
 */
@Configuration(proxyBeanMethods = false)
class DataPlaneRoutes {

    @Bean
    RouterFunction<ServerResponse> chatCompletionsRoute(ChatCompletionsHandler chat) {
        return RouterFunctions.route(RequestPredicates.path("/v1/chat/completions"), chat::chatCompletions);
    }
}
