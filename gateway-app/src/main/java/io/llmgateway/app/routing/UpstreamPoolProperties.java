package io.llmgateway.app.routing;

import io.llmgateway.provider.openai.OpenAiProviderFactory;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
@ConfigurationProperties("gateway.upstream-pool")
public record UpstreamPoolProperties(
        @DefaultValue("1000") int maxConnections,
        @DefaultValue("30s") Duration maxIdleTime,
        @DefaultValue("16MB") DataSize maxResponseBytes,
        @DefaultValue("1MB") DataSize maxEventBytes,
        @DefaultValue("20s") Duration keepWarm,
        @DefaultValue("1h") Duration keepWarmFor) {

    public UpstreamPoolProperties {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("gateway.upstream-pool.max-connections must be at least 1");
        }
        if (maxIdleTime.isNegative() || maxIdleTime.isZero()) {
            throw new IllegalArgumentException("gateway.upstream-pool.max-idle-time must be positive");
        }
        if (maxResponseBytes.toBytes() < 1 || maxResponseBytes.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gateway.upstream-pool.max-response-bytes must be 1B to 2GB");
        }
        if (keepWarm.isNegative() || keepWarmFor.isNegative()) {
            throw new IllegalArgumentException(
                    "gateway.upstream-pool.keep-warm and keep-warm-for must not be" + " negative");
        }
        if (!keepWarm.isZero() && keepWarm.compareTo(maxIdleTime) >= 0) {
            throw new IllegalArgumentException("gateway.upstream-pool.keep-warm (" + keepWarm + ") must be below"
                    + " max-idle-time (" + maxIdleTime + "), or the pool closes the connection first");
        }
        if (maxEventBytes.toBytes() < 1) {
            throw new IllegalArgumentException("gateway.upstream-pool.max-event-bytes must be at least 1B");
        }
        // an event cannot be longer than the stream that holds it: lowering max-response-bytes lowers both
        if (maxEventBytes.toBytes() > maxResponseBytes.toBytes()) {
            maxEventBytes = maxResponseBytes;
        }
    }

    OpenAiProviderFactory.PoolSettings toSettings() {
        return new OpenAiProviderFactory.PoolSettings(
                maxConnections, maxIdleTime, (int) maxResponseBytes.toBytes(), (int) maxEventBytes.toBytes());
    }
}
