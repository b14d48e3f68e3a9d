package io.llmgateway.app.usage;

import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Answers usage questions from the ledger: from the daily aggregates when the range is made of whole UTC days
 * (a month of a busy project reads a few thousand rows at most), from the records themselves otherwise.
 */
public class UsageQueries {

    private static final Map<String, String> DAILY = Map.of(
            "project", "project_id", "user", "user_id", "key", "key_id", "model", "model", "day", "CAST(day AS text)");
    private static final Map<String, String> RECORDS = Map.of(
            "project",
            "project_id",
            "user",
            "user_id",
            "key",
            "key_id",
            "model",
            "model",
            "day",
            "CAST(CAST(created_at AT TIME ZONE 'UTC' AS date) AS text)");

    private final DatabaseClient db;

    public UsageQueries(DatabaseClient db) {
        this.db = db;
    }

    public Mono<UsageReport> report(UsageQuery query) {
        boolean daily = query.wholeDays();
        Map<String, String> columns = daily ? DAILY : RECORDS;
        List<String> select = new ArrayList<>();
        for (String dimension : query.groupBy()) {
            select.add(columns.get(dimension) + " AS d_" + dimension);
        }
        String sums = daily
                ? "sum(requests) AS requests, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion,"
                        + " sum(cost_usd) AS cost"
                : "count(*) AS requests, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion,"
                        + " sum(cost_usd) AS cost";
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String column : select) {
            sql.append(column).append(", ");
        }
        sql.append(sums)
                .append(" FROM ")
                .append(daily ? "usage_daily" : "usage_records")
                .append(" WHERE ");
        sql.append(daily ? "day >= :from AND day < :to" : "created_at >= :from AND created_at < :to");
        if (query.projectId() != null) {
            sql.append(" AND project_id = :project");
        }
        if (query.userId() != null) {
            sql.append(" AND user_id = :user");
        }
        if (!query.groupBy().isEmpty()) {
            String groups = String.join(
                    ", ", query.groupBy().stream().map(d -> "d_" + d).toList());
            sql.append(" GROUP BY ").append(groups).append(" ORDER BY ").append(groups);
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString());
        if (daily) {
            spec = spec.bind("from", LocalDate.ofInstant(query.from(), ZoneOffset.UTC))
                    .bind("to", LocalDate.ofInstant(query.to(), ZoneOffset.UTC));
        } else {
            spec = spec.bind("from", query.from().atOffset(ZoneOffset.UTC))
                    .bind("to", query.to().atOffset(ZoneOffset.UTC));
        }
        if (query.projectId() != null) {
            spec = spec.bind("project", query.projectId());
        }
        if (query.userId() != null) {
            spec = spec.bind("user", query.userId());
        }
        List<String> dimensions = query.groupBy();
        return spec.map(row -> row(row, dimensions))
                .all()
                .filter(row -> row.requests() > 0)
                .collectList()
                .map(rows -> new UsageReport(
                        "usage.report",
                        query.from().getEpochSecond(),
                        query.to().getEpochSecond(),
                        dimensions,
                        rows,
                        totals(rows)));
    }

    private static UsageReport.Row row(Readable row, List<String> dimensions) {
        long prompt = number(row, "prompt").longValue();
        long completion = number(row, "completion").longValue();
        return new UsageReport.Row(
                dimensions.contains("project") ? row.get("d_project", String.class) : null,
                dimensions.contains("user") ? row.get("d_user", String.class) : null,
                dimensions.contains("key") ? row.get("d_key", String.class) : null,
                dimensions.contains("model") ? row.get("d_model", String.class) : null,
                dimensions.contains("day") ? row.get("d_day", String.class) : null,
                number(row, "requests").longValue(),
                prompt,
                completion,
                prompt + completion,
                Price.plain(number(row, "cost")));
    }

    private static BigDecimal number(Readable row, String column) {
        Number value = row.get(column, Number.class);
        if (value == null) {
            return BigDecimal.ZERO;
        }
        return value instanceof BigDecimal decimal ? decimal : new BigDecimal(value.toString());
    }

    private static UsageReport.Row totals(List<UsageReport.Row> rows) {
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (UsageReport.Row row : rows) {
            requests += row.requests();
            prompt += row.promptTokens();
            completion += row.completionTokens();
            cost = cost.add(row.costUsd());
        }
        return new UsageReport.Row(
                null, null, null, null, null, requests, prompt, completion, prompt + completion, Price.plain(cost));
    }
}
