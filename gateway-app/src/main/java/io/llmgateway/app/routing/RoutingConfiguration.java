package io.llmgateway.app.routing;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.tokens.ModelTokenizers;
import io.llmgateway.core.profile.RequestProfiler;
import io.llmgateway.core.provider.ProviderType;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/** Provider adapters and the model router. */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

    /** The HTTP adapters' connection pools, as {@code gateway.upstream-pool} says. */
    @Bean
    OpenAiProviderFactory.PoolSettings upstreamPoolSettings(UpstreamPoolProperties pool) {
        return pool.toSettings();
    }

    /** The provider types are beans of the adapter modules' auto-configurations. */
    @Bean
    ProviderRegistry providerRegistry(
            RoutingProperties properties, ObjectProvider<ProviderType<?>> types, Environment environment) {
        return new ProviderRegistry(properties, types.orderedStream().toList(), Binder.get(environment));
    }

    @Bean
    ProfileRegistry profileRegistry(RoutingProperties properties, JsonMapper gatewayJsonMapper) {
        return new ProfileRegistry(properties.profiles(), gatewayJsonMapper);
    }

    @Bean
    ModelRouter modelRouter(
            RoutingProperties properties,
            ProviderRegistry providers,
            ProfileRegistry profiles,
            ModelTokenizers tokenizers,
            JsonMapper gatewayJsonMapper,
            ObjectProvider<LocalModel> localModels) {
        return new ModelRouter(
                properties,
                providers,
                profiles,
                tokenizers,
                gatewayJsonMapper,
                localModels.orderedStream().toList());
    }

    @Bean
    RouteExecutor routeExecutor(
            ModelRouter router,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            ResilienceProperties properties,
            ObjectProvider<ObservationRegistry> observations,
            UpstreamKeepWarm keepWarm) {
        return new RouteExecutor(
                router,
                circuitBreakers,
                bulkheads,
                properties,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                keepWarm);
    }

    @Bean
    UpstreamKeepWarm upstreamKeepWarm(ProviderRegistry providers, UpstreamPoolProperties pool) {
        return new UpstreamKeepWarm(providers, pool.keepWarm(), pool.keepWarmFor());
    }

    @Bean
    RequestProfiler requestProfiler(JsonMapper gatewayJsonMapper) {
        return new RequestProfiler(gatewayJsonMapper);
    }
}
