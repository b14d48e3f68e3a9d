package io.llmgateway.app.routing;

import io.llmgateway.provider.openai.OpenAiProviderFactory;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The connection pool of each HTTP deployment (one pool per deployment). With HTTP/1.1 a streamed answer holds its
 * connection to the end, so {@code max-connections} bounds the concurrent calls of one deployment; keep it at least
 * at the deployment's bulkhead ({@code resilience4j.bulkhead...max-concurrent-calls}), or calls over it wait for a
 * connection instead of being refused.
 *
 * @param maxConnections   open connections per deployment at most (default 1000, the default bulkhead)
 * @param maxIdleTime      an idle pooled connection is closed after this long (default 30s)
 * @param maxResponseBytes largest non-streamed answer read into memory, and the longest streamed one (default 16MB)
 * @param maxEventBytes    longest line or event of a streamed answer (default 1MB, at most maxResponseBytes); an
 *                         upstream that sends a longer one, or a line with no end, fails the call with 502
 *                         {@code upstream_invalid_response}
 * @param keepWarm         a deployment idle this long gets a request that costs no tokens ({@code GET /models}),
 *                         so that its pooled connection stays open (default 20s, below max-idle-time; 0s: never)
 * @param keepWarmFor      how long after its last request a deployment is kept warm (default 1h)
 */
@Validated
@ConfigurationProperties("gateway.upstream-pool")
public record UpstreamPoolProperties(
        @DefaultValue("1000") @Min(1) int maxConnections,

        @DefaultValue("30s") @DurationMin(nanos = 0, inclusive = false)
        Duration maxIdleTime,

        @DefaultValue("16MB") DataSize maxResponseBytes,
        @DefaultValue("1MB") DataSize maxEventBytes,
        @DefaultValue("20s") @DurationMin(nanos = 0) Duration keepWarm,
        @DefaultValue("1h") @DurationMin(nanos = 0) Duration keepWarmFor) {

    public UpstreamPoolProperties {
        // an event cannot be longer than the stream that holds it: lowering max-response-bytes lowers both
        if (maxEventBytes.toBytes() > maxResponseBytes.toBytes()) {
            maxEventBytes = maxResponseBytes;
        }
    }

    @AssertTrue(message = "max-response-bytes must be 1B to 2GB") boolean isMaxResponseBytesInRange() {
        return maxResponseBytes.toBytes() >= 1 && maxResponseBytes.toBytes() <= Integer.MAX_VALUE;
    }

    @AssertTrue(message = "max-event-bytes must be at least 1B") boolean isMaxEventBytesPositive() {
        return maxEventBytes.toBytes() >= 1;
    }

    @AssertTrue(message = "keep-warm must be below max-idle-time, or the pool closes the connection first") boolean isKeepWarmBelowMaxIdleTime() {
        return keepWarm.isZero() || keepWarm.compareTo(maxIdleTime) < 0;
    }

    public OpenAiProviderFactory.PoolSettings toSettings() {
        return new OpenAiProviderFactory.PoolSettings(
                maxConnections, maxIdleTime, (int) maxResponseBytes.toBytes(), (int) maxEventBytes.toBytes());
    }
}
