package io.llmgateway.app.usage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Labels of the usage metrics.
 *
 * @param callerTags also label by user and key id: unbounded cardinality, so off by default; project, model and
 *                   deployment are always labels
 */
@ConfigurationProperties("gateway.metrics")
public record UsageMetricsProperties(@DefaultValue("false") boolean callerTags) {}
