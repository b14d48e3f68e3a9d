package io.llmgateway.app.pipeline;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.pipeline.ChatAugmentation;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.ModelTokenizers;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.UsageRecorders;
import io.llmgateway.core.profile.RequestProfiler;
import io.micrometer.core.instrument.MeterRegistry;
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

    /**
     * The warm-up before readiness, on a pipeline of its own that records nothing but is otherwise the one above:
     * the same classes, so the same compiled code.
     */
    @Bean
    PipelineWarmUp pipelineWarmUp(ModelRouter router, RequestProfiler profiler, RouteExecutor executor,
                                  Admission admission, TokenCounting tokenCounting, ModelTokenizers tokenizers,
                                  LimitsProperties limits,
                                  StreamShutdown shutdown, @Qualifier("gatewayRequestMapper") JsonMapper requests,
                                  Clock clock, ProfileRegistry profiles, JsonMapper gatewayJsonMapper,
                                  CircuitBreakerRegistry circuitBreakers, BulkheadRegistry bulkheads,
                                  MeterRegistry meters, WarmUpProperties properties) {
        ModelCallPipeline unrecorded = new ModelCallPipeline(router, profiler, executor, admission,
                UsageRecorders.discarding(), tokenCounting, limits, shutdown, requests, clock, () -> null);
        return new PipelineWarmUp(unrecorded, profiles.get("default"), tokenizers.defaultCounter(),
                gatewayJsonMapper, circuitBreakers, bulkheads, meters, properties);
    }
}
