package io.llmgateway.app.pipeline;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The warm-up of the request path before readiness ({@link PipelineWarmUp}).
 *
 * @param requests synthetic chat requests (half JSON, half streamed) run through the pipeline before the gateway
 *                 says it is ready; 0 turns the warm-up off (default 1000)
 * @param timeout  the longest the warm-up may hold readiness back (default 60s); what is left is skipped
 */
@ConfigurationProperties("gateway.warm-up")
public record WarmUpProperties(
        @DefaultValue("1000") int requests,
        @DefaultValue("60s") Duration timeout) {

    public WarmUpProperties {
        if (requests < 0) {
            throw new IllegalArgumentException("gateway.warm-up.requests must be 0 or more");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("gateway.warm-up.timeout must be positive");
        }
    }
}
