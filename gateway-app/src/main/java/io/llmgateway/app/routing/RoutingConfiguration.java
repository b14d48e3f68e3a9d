package io.llmgateway.app.routing;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.app.profile.ProfileProperties;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.tokens.ModelTokenizers;
import io.llmgateway.core.profile.RequestProfiler;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.provider.mock.MockProviderFactory;
import io.llmgateway.provider.nim.NimProviderFactory;
import io.llmgateway.provider.octo.OctoProviderFactory;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Provider adapters and the model router. */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OpenAiProviderFactory openAiProviderFactory(JsonMapper gatewayJsonMapper, UpstreamPoolProperties pool) {
        return new OpenAiProviderFactory(gatewayJsonMapper, pool.toSettings());
    }

    @Bean
    @ConditionalOnMissingBean
    NimProviderFactory nimProviderFactory(OpenAiProviderFactory openAi) {
        return new NimProviderFactory(openAi);
    }

    @Bean
    @ConditionalOnMissingBean
    OctoProviderFactory octoProviderFactory(OpenAiProviderFactory openAi) {
        return new OctoProviderFactory(openAi);
    }

    /** The mock model is a {@code cl100k_base} model: it answers and reports usage in those tokens. */
    @Bean
    @ConditionalOnMissingBean
    MockProviderFactory mockProviderFactory(JsonMapper gatewayJsonMapper) {
        return new MockProviderFactory(TiktokenTokenizer.cl100k(), gatewayJsonMapper);
    }

    @Bean
    ProviderRegistry providerRegistry(
            RoutingProperties properties,
            OpenAiProviderFactory openAi,
            NimProviderFactory nim,
            OctoProviderFactory octo,
            MockProviderFactory mock) {
        return new ProviderRegistry(properties, openAi, nim, octo, mock);
    }

    @Bean
    ProfileRegistry profileRegistry(ProfileProperties properties, JsonMapper gatewayJsonMapper) {
        return new ProfileRegistry(properties, gatewayJsonMapper);
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
