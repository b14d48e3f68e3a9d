package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /admin/v1/deployments}: each deployment with the models it serves, its circuit breaker as this replica
 * sees it, and its last hour from the usage ledger (every replica's requests): calls, upstream errors, latency and
 * time to first token.
 */
@Tag(name = "Admin: deployments", description = "The deployments' models, circuit breakers and recent calls.")
@RestController
public class DeploymentsAdminController {

    private static final Duration RECENT = Duration.ofHours(1);

    private final ModelRouter router;
    private final CircuitBreakerRegistry circuitBreakers;
    private final DatabaseClient db;
    private final Clock clock;

    public DeploymentsAdminController(
            ModelRouter router, CircuitBreakerRegistry circuitBreakers, DatabaseClient db, Clock clock) {
        this.router = router;
        this.circuitBreakers = circuitBreakers;
        this.db = db;
        this.clock = clock;
    }

    @Operation(
            operationId = "listDeployments",
            summary = "List the deployments with their health",
            description = "Each deployment's models, its circuit breaker on this replica and its last hour from the"
                    + " ledger of every replica. For administrators and auditors.")
    @GetMapping("/admin/v1/deployments")
    public Mono<Deployments> deployments() {
        Map<String, List<String>> models = new TreeMap<>();
        for (Route route : router.routes()) {
            for (Route.Target target : route.targets()) {
                List<String> served = models.computeIfAbsent(target.deployment(), name -> new ArrayList<>());
                if (!served.contains(route.modelId())) {
                    served.add(route.modelId());
                }
            }
        }
        return db.sql("""
                        SELECT deployment, count(*) AS requests,
                               count(*) FILTER (WHERE status = 'upstream_error') AS errors,
                               avg(latency_ms) AS mean_latency,
                               percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency,
                               avg(ttft_ms) AS mean_ttft
                        FROM usage_records WHERE created_at >= :since AND deployment IS NOT NULL
                        GROUP BY deployment""")
                .bind("since", clock.instant().minus(RECENT).atOffset(ZoneOffset.UTC))
                .map(row -> new Recent(
                        String.valueOf(row.get("deployment", String.class)),
                        number(row.get("requests", Long.class)),
                        number(row.get("errors", Long.class)),
                        decimal(row.get("mean_latency", Number.class)),
                        decimal(row.get("p95_latency", Number.class)),
                        decimal(row.get("mean_ttft", Number.class))))
                .all()
                .collectMap(Recent::deployment)
                .map(recent -> {
                    List<Deployment> data = new ArrayList<>();
                    models.forEach((name, served) -> {
                        CircuitBreaker circuit = circuitBreakers.circuitBreaker(name);
                        CircuitBreaker.Metrics metrics = circuit.getMetrics();
                        data.add(new Deployment(
                                name,
                                served,
                                new Circuit(
                                        circuit.getState().name().toLowerCase(Locale.ROOT),
                                        metrics.getFailureRate(),
                                        metrics.getSlowCallRate(),
                                        metrics.getNumberOfBufferedCalls(),
                                        metrics.getNumberOfNotPermittedCalls()),
                                recent.getOrDefault(name, new Recent(name, 0, 0, null, null, null))));
                    });
                    return new Deployments("list", data);
                });
    }

    private static long number(@Nullable Long value) {
        return value == null ? 0 : value;
    }

    private static @Nullable Double decimal(@Nullable Number value) {
        return value == null ? null : Math.round(value.doubleValue() * 10) / 10.0;
    }

    /** The deployments. */
    public record Deployments(String object, List<Deployment> data) {}

    /**
     * A deployment.
     *
     * @param circuit its circuit breaker on this replica ({@code -1} rates: too few calls yet)
     * @param recent  the last hour of every replica, from the ledger
     */
    public record Deployment(String name, List<String> models, Circuit circuit, Recent recent) {}

    /** A circuit breaker's state and window. */
    public record Circuit(
            String state,
            @JsonProperty("failure_rate") float failureRate,
            @JsonProperty("slow_call_rate") float slowCallRate,
            @JsonProperty("buffered_calls") int bufferedCalls,
            @JsonProperty("not_permitted_calls") long notPermittedCalls) {}

    /** The last hour. */
    public record Recent(
            String deployment,
            long requests,
            @JsonProperty("upstream_errors") long upstreamErrors,
            @JsonProperty("mean_latency_ms") @Nullable Double meanLatencyMs,
            @JsonProperty("p95_latency_ms") @Nullable Double p95LatencyMs,
            @JsonProperty("mean_ttft_ms") @Nullable Double meanTtftMs) {}
}
