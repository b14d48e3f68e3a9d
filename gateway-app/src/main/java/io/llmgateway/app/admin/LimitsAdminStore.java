package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.llmgateway.app.limits.BudgetPeriod;
import io.llmgateway.app.limits.LimitScope;
import io.llmgateway.app.limits.Limits;
import io.llmgateway.app.limits.LimitsRepository;
import io.llmgateway.app.usage.Price;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.BodyReader;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/** The limits of projects and their service keys: checked, stored and audited. */
public class LimitsAdminStore {

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final LimitsRepository limits;

    public LimitsAdminStore(DatabaseClient db, TransactionalOperator tx, AuditLog audit, LimitsRepository limits) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
        this.limits = limits;
    }

    public Mono<LimitsView> getForProject(String projectId) {
        return projectExists(projectId)
                .then(limits.find(LimitScope.PROJECT, projectId))
                .map(found -> LimitsView.of("project", projectId, projectId, found));
    }

    /**
     * Replaces the project's limits. An owner sets them within the caps the administrators set: each capped limit
     * present and at most its cap.
     */
    public Mono<LimitsView> putForProject(AdminActor actor, String projectId, Limits checked) {
        Mono<Void> withinCaps = actor.administrator()
                ? Mono.empty()
                : limits.find(LimitScope.CAP, projectId)
                        .doOnNext(caps -> LimitCaps.check(checked, caps))
                        .then();
        Mono<LimitsView> work = projectExists(projectId)
                .then(withinCaps)
                .then(limits.save(LimitScope.PROJECT, projectId, projectId, checked))
                .flatMap(saved -> audit.record(actor, "project.limits.put", "project", projectId, details(saved))
                        .thenReturn(LimitsView.of("project", projectId, projectId, saved)));
        return tx.transactional(work);
    }

    /** The most the project's owners may set as its limits. */
    public Mono<LimitsView> getCaps(String projectId) {
        return projectExists(projectId)
                .then(limits.find(LimitScope.CAP, projectId))
                .map(found -> LimitsView.of("cap", projectId, projectId, found));
    }

    /** Replaces the caps; the limits in force stay as they are until changed. */
    public Mono<LimitsView> putCaps(AdminActor actor, String projectId, Limits checked) {
        Mono<LimitsView> work = projectExists(projectId)
                .then(limits.save(LimitScope.CAP, projectId, projectId, checked))
                .flatMap(saved -> audit.record(actor, "project.limit_caps.put", "project", projectId, details(saved))
                        .thenReturn(LimitsView.of("cap", projectId, projectId, saved)));
        return tx.transactional(work);
    }

    public Mono<LimitsView> getForKey(String projectId, String keyId) {
        return keyExists(projectId, keyId)
                .then(limits.find(LimitScope.KEY, keyId))
                .map(found -> LimitsView.of("key", keyId, projectId, found));
    }

    public Mono<LimitsView> putForKey(AdminActor actor, String projectId, String keyId, Limits checked) {
        Mono<LimitsView> work = keyExists(projectId, keyId)
                .then(limits.save(LimitScope.KEY, keyId, projectId, checked))
                .flatMap(saved -> audit.record(actor, "key.limits.put", "key", keyId, details(saved))
                        .thenReturn(LimitsView.of("key", keyId, projectId, saved)));
        return tx.transactional(work);
    }

    private Mono<Void> projectExists(String projectId) {
        return db.sql("SELECT 1 FROM projects WHERE id = :id")
                .bind("id", projectId)
                .map(row -> 1)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("project", projectId)))
                .then();
    }

    private Mono<Void> keyExists(String projectId, String keyId) {
        return db.sql("SELECT 1 FROM api_keys WHERE id = :id AND project_id = :project AND kind = 'service'")
                .bind("id", keyId)
                .bind("project", projectId)
                .map(row -> 1)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("key", keyId)))
                .then();
    }

    /**
     * Limits from a request body: only the known fields, each a whole number at least 0 (or null); a budget
     * needs its limit and a period of {@code day} or {@code month}. A misspelt field is a 400, never a silently
     * missing limit.
     */
    static Limits parse(JsonNode body) {
        Checks.object(body);
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw InvalidRequestException.invalidParameter(
                        name, "Unknown limit '" + name + "'; known: " + String.join(", ", FIELDS) + ".");
            }
        }
        Limits.TokenBudget tokens = null;
        JsonNode tokenBudget = body.get("token_budget");
        if (tokenBudget != null && !tokenBudget.isNull()) {
            budgetObject(tokenBudget, "token_budget", "limit");
            tokens = new Limits.TokenBudget(
                    whole(tokenBudget.get("limit"), "token_budget.limit"),
                    text(tokenBudget.get("period"), "token_budget.period"));
        }
        Limits.CostBudget cost = null;
        JsonNode costBudget = body.get("cost_budget");
        if (costBudget != null && !costBudget.isNull()) {
            budgetObject(costBudget, "cost_budget", "limit_usd");
            JsonNode limit = costBudget.get("limit_usd");
            if (limit != null
                    && !limit.isNull()
                    && !(limit.isNumber() && Double.isFinite(limit.doubleValue(Double.NaN)))) {
                throw InvalidRequestException.invalidParameter(
                        "cost_budget.limit_usd", "'cost_budget.limit_usd' must be a number.");
            }
            cost = new Limits.CostBudget(
                    limit == null || limit.isNull() ? null : limit.decimalValue(),
                    text(costBudget.get("period"), "cost_budget.period"));
        }
        Long concurrent = whole(body.get("concurrent_requests"), "concurrent_requests");
        if (concurrent != null && concurrent > Integer.MAX_VALUE) {
            throw InvalidRequestException.invalidParameter(
                    "concurrent_requests", "'concurrent_requests' is too large.");
        }
        return check(new Limits(
                whole(body.get("requests_per_minute"), "requests_per_minute"),
                whole(body.get("tokens_per_minute"), "tokens_per_minute"),
                concurrent == null ? null : concurrent.intValue(),
                tokens,
                cost));
    }

    private static final List<String> FIELDS =
            List.of("requests_per_minute", "tokens_per_minute", "concurrent_requests", "token_budget", "cost_budget");

    private static void budgetObject(JsonNode budget, String field, String limitName) {
        if (!budget.isObject()) {
            throw InvalidRequestException.invalidParameter(
                    field,
                    "'" + field + "' must be an object {\"" + limitName + "\": ..., \"period\": \"day\"|\"month\"}.");
        }
        for (String name : budget.propertyNames()) {
            if (!name.equals(limitName) && !name.equals("period")) {
                throw InvalidRequestException.invalidParameter(
                        field + "." + name, "Unknown field '" + field + "." + name + "'.");
            }
        }
    }

    private static @Nullable Long whole(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw InvalidRequestException.invalidParameter(field, "'" + field + "' must be a whole number.");
        }
        return value.longValue();
    }

    private static @Nullable String text(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw InvalidRequestException.invalidParameter(field, "'" + field + "' must be 'day' or 'month'.");
        }
        return value.stringValue();
    }

    /** Every number at least 0; a budget needs its limit and a period of {@code day} or {@code month}. */
    static Limits check(Limits limits) {
        if (limits == null) {
            throw InvalidRequestException.malformedJson("The request body must be a JSON object of limits.");
        }
        nonNegative(limits.requestsPerMinute(), "requests_per_minute");
        nonNegative(limits.tokensPerMinute(), "tokens_per_minute");
        nonNegative(
                limits.concurrentRequests() == null
                        ? null
                        : limits.concurrentRequests().longValue(),
                "concurrent_requests");
        if (limits.tokenBudget() != null) {
            if (limits.tokenBudget().limit() == null) {
                throw InvalidRequestException.invalidParameter(
                        "token_budget.limit", "Missing required parameter: 'token_budget.limit'.");
            }
            nonNegative(limits.tokenBudget().limit(), "token_budget.limit");
            period(limits.tokenBudget().period(), "token_budget.period");
        }
        if (limits.costBudget() != null) {
            BigDecimal limit = limits.costBudget().limitUsd();
            if (limit == null) {
                throw InvalidRequestException.invalidParameter(
                        "cost_budget.limit_usd", "Missing required parameter: 'cost_budget.limit_usd'.");
            }
            if (limit.signum() < 0
                    || limit.compareTo(Price.MAX_BUDGET_USD) > 0
                    || limit.stripTrailingZeros().scale() > 12) {
                throw InvalidRequestException.invalidParameter(
                        "cost_budget.limit_usd",
                        "'cost_budget.limit_usd' must be between 0 and " + Price.MAX_BUDGET_USD.toPlainString()
                                + " with at most 12 decimals.");
            }
            period(limits.costBudget().period(), "cost_budget.period");
        }
        return limits;
    }

    private static void nonNegative(@Nullable Long value, String field) {
        if (value != null && value < 0) {
            throw InvalidRequestException.invalidParameter(field, "'" + field + "' must be 0 or more.");
        }
    }

    private static void period(@Nullable String period, String field) {
        if (BudgetPeriod.fromWire(period) == null) {
            throw InvalidRequestException.invalidParameter(field, "'" + field + "' must be 'day' or 'month'.");
        }
    }

    private static Map<String, Object> details(Limits limits) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("requests_per_minute", limits.requestsPerMinute());
        details.put("tokens_per_minute", limits.tokensPerMinute());
        details.put("concurrent_requests", limits.concurrentRequests());
        details.put(
                "token_budget",
                limits.tokenBudget() == null
                        ? null
                        : Map.of(
                                "limit",
                                limits.tokenBudget().limit(),
                                "period",
                                limits.tokenBudget().period()));
        details.put(
                "cost_budget",
                limits.costBudget() == null
                        ? null
                        : Map.of(
                                "limit_usd",
                                limits.costBudget().limitUsd(),
                                "period",
                                limits.costBudget().period()));
        return details;
    }

    /**
     * The body of {@code PUT .../limits}: the limits it replaces the old ones with, checked ({@link #parse}); {@code {}}
     * removes them all.
     */
    @JsonDeserialize(using = LimitsBody.Reader.class)
    public record LimitsBody(Limits limits) {

        static final class Reader extends BodyReader<LimitsBody> {
            Reader() {
                super(body -> new LimitsBody(parse(body)));
            }
        }
    }

    /** The limits of a project or key, as the admin API shows them. */
    public record LimitsView(
            String object,
            String scope,

            @JsonProperty("scope_id") String scopeId,

            @JsonProperty("project_id") String projectId,

            @JsonUnwrapped Limits limits) {

        static LimitsView of(String scope, String scopeId, String projectId, Limits limits) {
            return new LimitsView("limits", scope, scopeId, projectId, limits);
        }
    }
}
