package io.llmgateway.app.limits;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Rate limits, concurrency limits and budgets.
 *
 * @param backend          where the counters live: {@code in-process} (one replica; the default) or {@code redis}
 *                         (several replicas share them)
 * @param redis            the Redis server of the {@code redis} backend
 * @param onBackendFailure what admission does when the backend cannot be reached: {@code fail-closed} (refuse
 *                         with 503; the default) or {@code fail-open} (admit without limits)
 * @param defaultMaxTokens the completion tokens reserved for a request that sets no {@code max_tokens} and whose
 *                         profile gives no default (default 4096; never more than the model's context length
 *                         leaves)
 * @param cacheTtl         the longest a project's or key's limits stay cached without a change notification
 *                         (default 5m)
 * @param leaseDuration    how long a reservation holds its concurrency slot and budget amounts without being
 *                         settled: the most a crashed replica or a lost release can hold them (default 15m, above
 *                         the longest a request normally runs: a non-streamed call with its retries ends within
 *                         about 6 minutes, a long stream at a slow model's pace within about 14; a request that
 *                         runs longer is still billed in full when it ends)
 */
@Validated
@ConfigurationProperties("gateway.limits")
public record LimitsProperties(
        @DefaultValue("in-process") @NotNull Backend backend,
        @DefaultValue @Valid Redis redis,
        @DefaultValue("fail-closed") @NotNull FailurePolicy onBackendFailure,
        @DefaultValue("4096") @Min(1) int defaultMaxTokens,
        @DefaultValue("5m") @DurationMin(nanos = 0) Duration cacheTtl,
        @DefaultValue("15m") @DurationMin(seconds = 1) Duration leaseDuration) {

    /** Where the counters live. */
    public enum Backend {
        /** In this replica's memory: one replica only. */
        IN_PROCESS,
        /** In Redis, shared by every replica. */
        REDIS
    }

    /** What admission does when the backend cannot be reached. */
    public enum FailurePolicy {
        /** Refuse with 503 {@code limits_unavailable}. */
        FAIL_CLOSED,
        /** Admit without limits, and count what was admitted so. */
        FAIL_OPEN
    }

    public boolean failOpen() {
        return onBackendFailure == FailurePolicy.FAIL_OPEN;
    }

    @AssertTrue(
            message = "gateway.limits.backend=redis needs gateway.limits.redis.url (GATEWAY_LIMITS_REDIS_URL),"
                    + " e.g. redis://redis:6379")
    boolean isRedisUrlSetForRedis() {
        return backend != Backend.REDIS || redis.url() != null && !redis.url().isBlank();
    }

    /**
     * @param url            e.g. {@code redis://redis:6379} or {@code rediss://:password@host:6380} (TLS)
     * @param keyPrefix      prefix of every key the gateway writes (default {@code llmgw:})
     * @param commandTimeout the longest admission waits for Redis before applying the failure policy
     *                       (default 250ms)
     */
    public record Redis(
            String url,
            @DefaultValue("llmgw:") String keyPrefix,
            @DefaultValue("250ms") @DurationMin(millis = 1) Duration commandTimeout) {}
}
