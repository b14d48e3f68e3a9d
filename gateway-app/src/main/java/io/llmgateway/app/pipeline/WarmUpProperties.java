package io.llmgateway.app.pipeline;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The warm-up of the request path before readiness ({@link PipelineWarmUp}).
 *
 * @param requests synthetic chat requests (half JSON, half streamed) run through the pipeline before the gateway
 *                 says it is ready; 0 turns the warm-up off (default 1000)
 * @param timeout  the longest the warm-up may hold readiness back (default 60s); what is left is skipped
 */
@Validated
@ConfigurationProperties("gateway.warm-up")
public record WarmUpProperties(
        @DefaultValue("1000") @Min(0) int requests,

        @DefaultValue("60s") @DurationMin(nanos = 0, inclusive = false)
        Duration timeout) {}
