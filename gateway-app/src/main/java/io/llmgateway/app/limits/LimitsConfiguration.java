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
        return switch (properties.backend()) {
            case "in-process" -> new InProcessLimitBackend(clock, properties.leaseDuration());
            case "redis" -> {
                LimitsProperties.Redis redis = properties.redis();
                if (redis.url() == null || redis.url().isBlank()) {
                    throw new IllegalStateException("gateway.limits.backend=redis needs gateway.limits.redis.url"
                            + " (GATEWAY_LIMITS_REDIS_URL), e.g. redis://redis:6379");
                }
                yield new RedisLimitBackend(
                        redis.url(), redis.keyPrefix(), redis.commandTimeout(), properties.leaseDuration());
            }
            default ->
                throw new IllegalStateException(
                        "gateway.limits.backend must be 'in-process' or 'redis', not '" + properties.backend() + "'");
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
        if (!properties.onBackendFailure().equals("fail-closed") && !properties.failOpen()) {
            throw new IllegalStateException("gateway.limits.on-backend-failure must be 'fail-closed' or"
                    + " 'fail-open', not '" + properties.onBackendFailure() + "'");
        }
        return new Admission(limits, backend, new SpentQuery(db), properties, clock, registry);
    }
}
