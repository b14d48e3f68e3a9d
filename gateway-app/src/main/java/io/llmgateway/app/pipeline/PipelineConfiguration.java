package io.llmgateway.app.pipeline;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.ModelTokenizers;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.UsageRecorders;
import io.llmgateway.core.profile.RequestProfiler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import tools.jackson.databind.json.JsonMapper;

/** The one pipeline of every model call. */
@Configuration(proxyBeanMethods = false)
public class PipelineConfiguration {

    @Bean
    WarmUpCaller warmUpCaller() {
        return new WarmUpCaller();
    }

    @Bean
    ModelCallPipeline modelCallPipeline(
            ModelRouter router,
            RequestProfiler profiler,
            RouteExecutor executor,
            Admission admission,
            UsageRecorders recorders,
            TokenCounting tokenCounting,
            LimitsProperties limits,
            StreamShutdown shutdown,
            @Qualifier("gatewayRequestMapper") JsonMapper requests,
            JsonMapper gatewayJsonMapper,
            Clock clock,
            ObjectProvider<ChatAugmentation> augmentation,
            WarmUpCaller warmUp) {
        return new ModelCallPipeline(
                router,
                profiler,
                executor,
                admission,
                recorders,
                tokenCounting,
                limits,
                shutdown,
                requests,
                gatewayJsonMapper,
                clock,
                () -> augmentation.getIfAvailable(() -> ChatAugmentation.OFF),
                warmUp);
    }

    /** The warm-up before readiness, through the gateway's own HTTP port. */
    @Bean
    PipelineWarmUp pipelineWarmUp(
            WarmUpCaller caller,
            ProfileRegistry profiles,
            ModelTokenizers tokenizers,
            JsonMapper gatewayJsonMapper,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            MeterRegistry meters,
            WarmUpProperties properties,
            ApplicationContext context) {
        return new PipelineWarmUp(
                caller,
                profiles.get("default"),
                tokenizers.defaultCounter(),
                gatewayJsonMapper,
                circuitBreakers,
                bulkheads,
                meters,
                properties,
                context);
    }

    /** The warm-up's requests leave no server metrics (http.server.requests) behind. */
    @Bean
    ObservationPredicate warmUpObservations(WarmUpCaller warmUp) {
        return (name, context) -> !warmUp.isOpen()
                || !(context instanceof ServerRequestObservationContext server && warmUp.carries(server.getCarrier()));
    }
}
