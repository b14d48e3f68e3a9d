package io.llmgateway.app.chat;

import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.core.profile.RequestProfiler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chat-completion pipeline. */
@Configuration(proxyBeanMethods = false)
public class ChatConfiguration {

    @Bean
    ChatCompletionService chatCompletionService(ModelRouter router, RequestProfiler profiler,
                                                RouteExecutor executor) {
        return new ChatCompletionService(router, profiler, executor);
    }
}
