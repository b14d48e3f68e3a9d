package io.llmgateway.app.limits;

import io.llmgateway.app.identity.IdentityProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Rate limits, concurrency limits and budgets: the configured backend and admission. */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

    /** The Redis backend is closed at shutdown (it is {@link AutoCloseable}); the in-process one needs nothing. */
    @Bean
    LimitBackend limitBackend(LimitsProperties properties, Clock clock) {
        LimitsProperties.Redis redis = properties.redis();
        return switch (properties.backend()) {
            case IN_PROCESS -> new InProcessLimitBackend(clock, properties.leaseDuration());
            case REDIS ->
                new RedisLimitBackend(
                        redis.url(), redis.keyPrefix(), redis.commandTimeout(), properties.leaseDuration());
        };
    }

    @Bean
    LimitsRepository limitsRepository(DatabaseClient db, LimitsProperties properties, IdentityProperties identity) {
        return new LimitsRepository(db, properties.cacheTtl(), identity.cacheMaxStale());
    }

    @Bean
    Admission admission(
            LimitsRepository limits,
            LimitBackend backend,
            DatabaseClient db,
            LimitsProperties properties,
            Clock clock,
            MeterRegistry registry) {
        return new Admission(limits, backend, new SpentQuery(db), properties, clock, registry);
    }
}
