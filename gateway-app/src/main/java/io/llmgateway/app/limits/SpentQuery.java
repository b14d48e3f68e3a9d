package io.llmgateway.app.limits;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * What a project or key has spent since a day, from the ledger's daily aggregates: the starting value of a
 * budget counter when this replica (or Redis) meets the budget's period for the first time.
 */
public class SpentQuery {

    private final DatabaseClient db;

    public SpentQuery(DatabaseClient db) {
        this.db = db;
    }

    /** Tokens and pico-dollars spent by the scope from {@code since} (inclusive) on. */
    public Mono<Spent> since(LimitScope scope, String scopeId, LocalDate since) {
        String column = scope == LimitScope.PROJECT ? "project_id" : "key_id";
        return db.sql("SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens,"
                        + " coalesce(sum(cost_usd), 0) AS cost FROM usage_daily WHERE " + column
                        + " = :id AND day >= :since")
                .bind("id", scopeId)
                .bind("since", since)
                .map(row -> new Spent(
                        row.get("tokens", BigDecimal.class).longValue(),
                        row.get("cost", BigDecimal.class).movePointRight(12).longValue()))
                .one();
    }

    /** Spent tokens and pico-dollars. */
    public record Spent(long tokens, long costPicos) {}
}
