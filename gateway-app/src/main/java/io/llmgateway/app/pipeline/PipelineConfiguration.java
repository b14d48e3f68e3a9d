package io.llmgateway.app.pipeline;

import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.pipeline.ChatAugmentation;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.UsageRecorders;
import io.llmgateway.core.profile.RequestProfiler;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The one pipeline of every model call. */
@Configuration(proxyBeanMethods = false)
public class PipelineConfiguration {

    @Bean
    ModelCallPipeline modelCallPipeline(ModelRouter router, RequestProfiler profiler, RouteExecutor executor,
                                        Admission admission, UsageRecorders recorders, TokenCounting tokenCounting,
                                        LimitsProperties limits, StreamShutdown shutdown,
                                        @Qualifier("gatewayRequestMapper") JsonMapper requests, Clock clock,
                                        ObjectProvider<ChatAugmentation> augmentation) {
        return new ModelCallPipeline(router, profiler, executor, admission, recorders, tokenCounting, limits,
                shutdown, requests, clock, augmentation::getIfAvailable);
    }
}
