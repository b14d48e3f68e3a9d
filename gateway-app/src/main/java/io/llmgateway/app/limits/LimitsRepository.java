package io.llmgateway.app.limits;

import io.llmgateway.app.persistence.DatabaseCache;
import io.llmgateway.app.persistence.DatabaseFailures;
import io.llmgateway.app.persistence.Lookups;
import io.llmgateway.app.usage.Price;
import io.llmgateway.auth.identity.RefreshingCache;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.Duration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;

/**
 * Limits as stored in the {@code limits} table, read through a cache so that admission costs no database round
 * trip. The cache is marked stale on every change notification (the same PostgreSQL channel as identities), so a new
 * limit holds on every replica within a second; while the database is away, limits are served as last read, like
 * identities ({@link RefreshingCache}), so that admission goes on.
 */
public class LimitsRepository implements DatabaseCache {

    private static final String COLUMNS = "requests_per_minute, tokens_per_minute, concurrent_requests, "
            + "token_budget, token_budget_period, cost_budget_usd, cost_budget_period";

    private final DatabaseClient db;
    private final RefreshingCache<Limits> cache;

    /** @param maxStale how long after its last read a scope's limits are still served while the database is away */
    public LimitsRepository(DatabaseClient db, Duration ttl, Duration maxStale) {
        this.db = db;
        this.cache = new RefreshingCache<>(ttl, maxStale, 200_000, DatabaseFailures::unavailable);
    }

    /** The limits of a scope ({@link Limits#NONE} when none are set), from the cache when possible. */
    public Mono<Limits> find(LimitScope scope, String scopeId) {
        return cache.get(scope.wireName() + ":" + scopeId, key -> load(scope, scopeId))
                .defaultIfEmpty(Limits.NONE);
    }

    private Mono<Limits> load(LimitScope scope, String scopeId) {
        return Lookups.bounded(
                db.sql("SELECT " + COLUMNS + " FROM limits WHERE scope = :scope AND scope_id = :id")
                        .bind("scope", scope.wireName())
                        .bind("id", scopeId)
                        .map(LimitsRepository::limits)
                        .one()
                        .defaultIfEmpty(Limits.NONE),
                "limits");
    }

    /** Replaces the limits of a scope; {@link Limits#NONE} removes them. Returns what is stored now. */
    public Mono<Limits> save(LimitScope scope, String scopeId, String projectId, Limits limits) {
        if (limits.isEmpty()) {
            return db.sql("DELETE FROM limits WHERE scope = :scope AND scope_id = :id")
                    .bind("scope", scope.wireName())
                    .bind("id", scopeId)
                    .fetch()
                    .rowsUpdated()
                    .thenReturn(Limits.NONE);
        }
        Limits.TokenBudget tokens = limits.tokenBudget();
        Limits.CostBudget cost = limits.costBudget();
        return db.sql("""
                        INSERT INTO limits (scope, scope_id, project_id, requests_per_minute, tokens_per_minute,
                                            concurrent_requests, token_budget, token_budget_period, cost_budget_usd,
                                            cost_budget_period)
                        VALUES (:scope, :id, :project, :rpm, :tpm, :concurrent, :tokens, :tokensPeriod, :cost,
                                :costPeriod)
                        ON CONFLICT (scope, scope_id) DO UPDATE SET
                          requests_per_minute = EXCLUDED.requests_per_minute,
                          tokens_per_minute = EXCLUDED.tokens_per_minute,
                          concurrent_requests = EXCLUDED.concurrent_requests,
                          token_budget = EXCLUDED.token_budget,
                          token_budget_period = EXCLUDED.token_budget_period,
                          cost_budget_usd = EXCLUDED.cost_budget_usd,
                          cost_budget_period = EXCLUDED.cost_budget_period,
                          updated_at = now()
                        RETURNING\s""" + COLUMNS)
                .bind("scope", scope.wireName())
                .bind("id", scopeId)
                .bind("project", projectId)
                .bind("rpm", Parameter.fromOrEmpty(limits.requestsPerMinute(), Long.class))
                .bind("tpm", Parameter.fromOrEmpty(limits.tokensPerMinute(), Long.class))
                .bind("concurrent", Parameter.fromOrEmpty(limits.concurrentRequests(), Integer.class))
                .bind("tokens", Parameter.fromOrEmpty(tokens == null ? null : tokens.limit(), Long.class))
                .bind("tokensPeriod", Parameter.fromOrEmpty(tokens == null ? null : tokens.period(), String.class))
                .bind("cost", Parameter.fromOrEmpty(cost == null ? null : cost.limitUsd(), BigDecimal.class))
                .bind("costPeriod", Parameter.fromOrEmpty(cost == null ? null : cost.period(), String.class))
                .map(LimitsRepository::limits)
                .one();
    }

    /** Drops everything cached (called on every identity or limits change notification). */
    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }

    private static Limits limits(Readable row) {
        Long tokenBudget = row.get("token_budget", Long.class);
        BigDecimal costBudget = row.get("cost_budget_usd", BigDecimal.class);
        return new Limits(
                row.get("requests_per_minute", Long.class),
                row.get("tokens_per_minute", Long.class),
                row.get("concurrent_requests", Integer.class),
                tokenBudget == null
                        ? null
                        : new Limits.TokenBudget(tokenBudget, row.get("token_budget_period", String.class)),
                costBudget == null
                        ? null
                        : new Limits.CostBudget(Price.plain(costBudget), row.get("cost_budget_period", String.class)));
    }
}
