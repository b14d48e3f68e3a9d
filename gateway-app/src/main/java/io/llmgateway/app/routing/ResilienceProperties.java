package io.llmgateway.app.routing;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Retries across deployments. Circuit breakers and bulkheads are Resilience4j named instances, one per
 * deployment, configured under {@code resilience4j.circuitbreaker} and {@code resilience4j.bulkhead}.
 *
 * @param maxAttempts       upstream calls per request at most, over all deployments and fallbacks (default 3)
 * @param backoff           pause before the second attempt, doubled for each next one (default 100ms)
 * @param maxBackoff        longest pause between attempts (default 1s)
 * @param unavailableRetryAfter the {@code Retry-After} of a 503 when no deployment can take the request (default 5s)
 */
@Validated
@ConfigurationProperties("gateway.resilience")
public record ResilienceProperties(
        @DefaultValue("3") @Min(1) int maxAttempts,
        @DefaultValue("100ms") @DurationMin(nanos = 0) Duration backoff,
        @DefaultValue("1s") @DurationMin(nanos = 0) Duration maxBackoff,
        @DefaultValue("5s") @DurationMin(nanos = 0) Duration unavailableRetryAfter) {}
