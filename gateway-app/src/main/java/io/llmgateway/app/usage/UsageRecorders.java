package io.llmgateway.app.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Opens a {@link UsageRecorder} for each request that reaches admission and takes its record at the end: into the
 * ledger, and into the metrics, named after OpenTelemetry's GenAI conventions ({@code gen_ai.client.token.usage},
 * {@code gen_ai.server.request.duration}, {@code gen_ai.server.time_to_first_token}) and labelled by operation,
 * project, model and deployment.
 */
public class UsageRecorders {

    private static final UsageRecorders DISCARDING = new UsageRecorders();

    private final @Nullable UsageLedger ledger;
    // all three are null in the discarding recorders only, which never measure
    private final @Nullable MeterRegistry registry;
    private final @Nullable UsageMetricsProperties properties;

    /** Meters are looked up once per label set, not built per request. */
    private final ConcurrentHashMap<RouteKey, RouteMeters> routes = new ConcurrentHashMap<>();

    public UsageRecorders(UsageLedger ledger, MeterRegistry registry, UsageMetricsProperties properties) {
        this.ledger = Objects.requireNonNull(ledger);
        this.registry = registry;
        this.properties = properties;
    }

    private UsageRecorders() {
        this.ledger = null;
        this.registry = null;
        this.properties = null;
    }

    /**
     * Recorders that record nothing, for the synthetic requests that warm the request path before readiness: no
     * ledger row, no metric, no one billed.
     */
    public static UsageRecorders discarding() {
        return DISCARDING;
    }

    /**
     * A recorder for one request, in the ledger's room: a request that the ledger has no room to record (its buffer
     * is full, or the gateway is stopping) is refused here with the ledger's 503, and leaves no record.
     */
    public UsageRecorder open(MeteredRequest request) {
        if (ledger != null && !ledger.tryOpen()) {
            throw ledger.refusal();
        }
        return new UsageRecorder(this, request);
    }

    void finished(UsageRecord record, String operation) {
        if (ledger == null) {
            return;
        }
        ledger.record(record);
        measure(record, operation);
    }

    private void measure(UsageRecord record, String operation) {
        String deployment = record.deployment() == null ? "none" : record.deployment();
        boolean callerTags = Objects.requireNonNull(properties, "properties").callerTags();
        MeterRegistry registry = Objects.requireNonNull(this.registry, "registry");
        RouteMeters route = routes.computeIfAbsent(
                new RouteKey(
                        operation,
                        record.model(),
                        record.projectId(),
                        deployment,
                        callerTags ? record.userId() : null,
                        callerTags ? record.keyId() : null),
                this::routeMeters);
        String error = record.errorCode() == null ? "none" : record.errorCode();
        route.durations
                .computeIfAbsent(
                        record.status().wireName() + "\u0000" + error,
                        outcome -> Timer.builder("gen_ai.server.request.duration")
                                .description("Time from receipt to the end of the response, by outcome")
                                .tags(route.tags)
                                .tag("gateway.status", record.status().wireName())
                                .tag("error.type", error)
                                .publishPercentileHistogram()
                                .register(registry))
                .record(record.latencyMillis(), TimeUnit.MILLISECONDS);
        if (record.status() == UsageStatus.REJECTED) {
            return;
        }
        if (record.ttftMillis() != null) {
            route.timeToFirstToken.record(record.ttftMillis(), TimeUnit.MILLISECONDS);
        }
        route.inputTokens.record(record.promptTokens());
        route.outputTokens.record(record.completionTokens());
        route.cost.increment(record.costPicos() / (double) Price.PICOS_PER_DOLLAR);
    }

    /** The meters of one model, project and deployment (and user and key, when labelled), registered once. */
    private RouteMeters routeMeters(RouteKey key) {
        MeterRegistry registry = Objects.requireNonNull(this.registry, "registry");
        Tags tags = Tags.of(
                "gen_ai.operation.name",
                key.operation(),
                "gen_ai.request.model",
                key.model(),
                "gateway.project",
                key.project(),
                "gateway.deployment",
                key.deployment());
        if (key.user() != null) {
            // both or neither: the caller tags are on or off
            tags = tags.and("gateway.user", key.user(), "gateway.key", Objects.requireNonNull(key.key(), "key"));
        }
        return new RouteMeters(
                tags,
                Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time from receipt to the first streamed chunk")
                        .tags(tags)
                        .publishPercentileHistogram()
                        .register(registry),
                DistributionSummary.builder("gen_ai.client.token.usage")
                        .baseUnit("tokens")
                        .description("Tokens per request, by type")
                        .tags(tags)
                        .tag("gen_ai.token.type", "input")
                        .register(registry),
                DistributionSummary.builder("gen_ai.client.token.usage")
                        .baseUnit("tokens")
                        .description("Tokens per request, by type")
                        .tags(tags)
                        .tag("gen_ai.token.type", "output")
                        .register(registry),
                Counter.builder("gateway.usage.cost")
                        .baseUnit("usd")
                        .description("Cost of the requests served, in USD")
                        .tags(tags)
                        .register(registry));
    }

    private record RouteKey(
            String operation,
            String model,
            String project,
            String deployment,
            @Nullable String user,
            @Nullable String key) {}

    private record RouteMeters(
            Tags tags,
            Timer timeToFirstToken,
            DistributionSummary inputTokens,
            DistributionSummary outputTokens,
            Counter cost,
            ConcurrentHashMap<String, Timer> durations) {

        RouteMeters(
                Tags tags,
                Timer timeToFirstToken,
                DistributionSummary inputTokens,
                DistributionSummary outputTokens,
                Counter cost) {
            this(tags, timeToFirstToken, inputTokens, outputTokens, cost, new ConcurrentHashMap<>());
        }
    }
}
