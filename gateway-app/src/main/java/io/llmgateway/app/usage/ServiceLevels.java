package io.llmgateway.app.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.core.error.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * How the calls went over time, from the ledger's records: requests, upstream errors, latency and time to first
 * token per hour or day, overall or per model or project. It reads records, not the daily aggregates (which hold
 * no latency), so a question spans at most {@value #MAX_DAYS} days.
 */
public class ServiceLevels {

    static final int MAX_DAYS = 31;

    private final DatabaseClient db;

    public ServiceLevels(DatabaseClient db) {
        this.db = db;
    }

    /**
     * @param bucket  {@code hour} or {@code day}
     * @param groupBy {@code model}, {@code project} or null (all together)
     */
    public Mono<Report> report(
            Instant from,
            Instant to,
            String bucket,
            @Nullable String groupBy,
            @Nullable String projectId,
            @Nullable String userId) {
        if (!bucket.equals("hour") && !bucket.equals("day")) {
            throw InvalidRequestException.invalidParameter("bucket", "'bucket' must be 'hour' or 'day'.");
        }
        if (groupBy != null && !groupBy.equals("model") && !groupBy.equals("project")) {
            throw InvalidRequestException.invalidParameter(
                    "group_by", "'group_by' must be 'model' or 'project' (or left out).");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw InvalidRequestException.invalidParameter(
                    "from", "A range of service levels spans at most " + MAX_DAYS + " days.");
        }
        String dimension = groupBy == null ? "NULL" : groupBy.equals("model") ? "model" : "project_id";
        String sql = "SELECT date_trunc('" + bucket + "', created_at AT TIME ZONE 'UTC') AS t, " + dimension
                + " AS d, count(*) AS requests, count(*) FILTER (WHERE status = 'upstream_error') AS errors,"
                + " avg(latency_ms) AS latency, percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,"
                + " avg(ttft_ms) AS ttft FROM usage_records WHERE created_at >= :from AND created_at < :to"
                + (projectId == null ? "" : " AND project_id = :project")
                + (userId == null ? "" : " AND user_id = :user")
                + " GROUP BY t, d ORDER BY t, d";
        DatabaseClient.GenericExecuteSpec spec =
                db.sql(sql).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC));
        if (projectId != null) {
            spec = spec.bind("project", projectId);
        }
        if (userId != null) {
            spec = spec.bind("user", userId);
        }
        return spec.map(row -> {
                    long requests = count(row.get("requests", Long.class));
                    long errors = count(row.get("errors", Long.class));
                    LocalDateTime time = row.get("t", LocalDateTime.class);
                    return new Point(
                            time == null
                                    ? ""
                                    : time.atOffset(ZoneOffset.UTC).toInstant().toString(),
                            row.get("d", String.class),
                            requests,
                            errors,
                            requests == 0 ? 0 : Math.round(errors * 10000.0 / requests) / 100.0,
                            rounded(row.get("latency", Number.class)),
                            rounded(row.get("p95", Number.class)),
                            rounded(row.get("ttft", Number.class)));
                })
                .all()
                .collectList()
                .map(points -> new Report("usage.service_levels", bucket, groupBy, points));
    }

    private static long count(@Nullable Long value) {
        return value == null ? 0 : value;
    }

    private static @Nullable Double rounded(@Nullable Number value) {
        return value == null ? null : Math.round(value.doubleValue() * 10) / 10.0;
    }

    /** The answer. */
    public record Report(
            String object,
            String bucket,
            @JsonProperty("group_by") @Nullable String groupBy,
            List<Point> data) {}

    /**
     * One bucket (of one model or project).
     *
     * @param time           the bucket's start, ISO-8601 in UTC
     * @param key            the model or project, when grouped
     * @param errorRatePercent upstream errors per hundred requests
     */
    public record Point(
            String time,
            @Nullable String key,
            long requests,
            @JsonProperty("upstream_errors") long upstreamErrors,
            @JsonProperty("error_rate_percent") double errorRatePercent,
            @JsonProperty("mean_latency_ms") @Nullable Double meanLatencyMs,
            @JsonProperty("p95_latency_ms") @Nullable Double p95LatencyMs,
            @JsonProperty("mean_ttft_ms") @Nullable Double meanTtftMs) {}
}
