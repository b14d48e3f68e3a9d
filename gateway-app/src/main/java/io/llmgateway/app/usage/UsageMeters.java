package io.llmgateway.app.usage;

import io.llmgateway.core.tokens.TokenCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates a {@link UsageMeter} per admitted request and receives its record at the end: into the ledger, the
 * reservation settled, and the metrics, named after OpenTelemetry's GenAI conventions
 * ({@code gen_ai.client.token.usage}, {@code gen_ai.server.request.duration},
 * {@code gen_ai.server.time_to_first_token}) and labelled by project, model and deployment.
 */
public class UsageMeters {

    private final TokenCounter tokenizer;
    private final JsonMapper json;
    private final UsageLedger ledger;
    private final MeterRegistry registry;
    private final UsageMetricsProperties properties;

    public UsageMeters(TokenCounter tokenizer, JsonMapper json, UsageLedger ledger, MeterRegistry registry,
                       UsageMetricsProperties properties) {
        this.tokenizer = tokenizer;
        this.json = json;
        this.ledger = ledger;
        this.registry = registry;
        this.properties = properties;
    }

    /** A meter for one admitted request. */
    public UsageMeter start(MeteredRequest request) {
        ledger.opened();
        return new UsageMeter(this, request);
    }

    TokenCounter tokenizer() {
        return tokenizer;
    }

    String promptJson(MeteredRequest request) {
        return json.writeValueAsString(request.messages());
    }

    void finished(MeteredRequest request, UsageRecord record) {
        ledger.record(record);
        request.settlement().settle(record.totalTokens(), record.costPicos());
        measure(record);
    }

    private void measure(UsageRecord record) {
        Tags tags = Tags.of("gen_ai.operation.name", "chat", "gen_ai.request.model", record.model(),
                "gateway.project", record.projectId(),
                "gateway.deployment", record.deployment() == null ? "none" : record.deployment());
        if (properties.callerTags()) {
            tags = tags.and("gateway.user", record.userId(), "gateway.key", record.keyId());
        }
        Tags outcome = tags.and("gateway.status", record.status().wireName(),
                "error.type", record.errorCode() == null ? "none" : record.errorCode());
        Timer.builder("gen_ai.server.request.duration")
                .description("Time from receipt to the end of the response, by outcome")
                .tags(outcome).publishPercentileHistogram().register(registry)
                .record(Duration.ofMillis(record.latencyMillis()));
        if (record.status() == UsageStatus.REJECTED) {
            return;
        }
        if (record.ttftMillis() != null) {
            Timer.builder("gen_ai.server.time_to_first_token")
                    .description("Time from receipt to the first streamed chunk")
                    .tags(tags).publishPercentileHistogram().register(registry)
                    .record(Duration.ofMillis(record.ttftMillis()));
        }
        DistributionSummary.builder("gen_ai.client.token.usage").baseUnit("tokens")
                .description("Tokens per request, by type").tags(tags).tag("gen_ai.token.type", "input")
                .register(registry).record(record.promptTokens());
        DistributionSummary.builder("gen_ai.client.token.usage").baseUnit("tokens")
                .description("Tokens per request, by type").tags(tags).tag("gen_ai.token.type", "output")
                .register(registry).record(record.completionTokens());
        Counter.builder("gateway.usage.cost").baseUnit("usd").description("Cost of the requests served, in USD")
                .tags(tags).register(registry).increment(record.costPicos() / (double) Price.PICOS_PER_DOLLAR);
    }
}
