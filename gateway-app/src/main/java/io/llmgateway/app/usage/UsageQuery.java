package io.llmgateway.app.usage;

import io.llmgateway.core.error.InvalidRequestException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A usage question: one project (or all, for an admin), a time range {@code [from, to)} and the dimensions to
 * group by.
 *
 * @param projectId null for every project
 * @param userId    null for every user; a project member who is not an owner sees only their own usage
 * @param from      inclusive
 * @param to        exclusive
 * @param groupBy   among {@code project}, {@code user}, {@code key}, {@code model}, {@code day}, in order
 */
public record UsageQuery(
        @Nullable String projectId, @Nullable String userId, Instant from, Instant to, List<String> groupBy) {

    public static final List<String> DIMENSIONS = List.of("project", "user", "key", "model", "day");

    /** What {@code from}, {@code to} and {@code group_by} mean, as the API's document says it. */
    public static final String FROM = "The start, inclusive: a date (`2026-11-01`, midnight UTC), an ISO-8601 time"
            + " (`2026-11-01T12:00:00Z`) or Unix seconds. Default: the start of the current month (UTC).";

    public static final String TO = "The end, exclusive, in the same forms as `from`. Default: now.";
    public static final String GROUP_BY = "The dimensions of the rows, among `project`, `user`, `key`, `model` and"
            + " `day`, comma-separated or repeated. Default: none.";

    /**
     * From request parameters: {@code from} and {@code to} as a date ({@code 2026-11-01}, midnight UTC), an
     * ISO-8601 instant or epoch seconds (default: the start of the current month to now); {@code group_by} a
     * comma-separated list.
     */
    public static UsageQuery parse(String projectId, String from, String to, List<String> groupBy, Instant now) {
        Instant start = from == null
                ? LocalDate.ofInstant(now, ZoneOffset.UTC)
                        .withDayOfMonth(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                : instant(from, "from");
        Instant end = to == null ? now : instant(to, "to");
        if (!end.isAfter(start)) {
            throw InvalidRequestException.invalidParameter("to", "'to' must be after 'from'.");
        }
        List<String> dimensions = new ArrayList<>();
        if (groupBy != null) {
            for (String value : groupBy) {
                for (String part : value.split(",")) {
                    String dimension = part.trim();
                    if (dimension.isEmpty()) {
                        continue;
                    }
                    if (!DIMENSIONS.contains(dimension)) {
                        throw InvalidRequestException.invalidParameter(
                                "group_by",
                                "'group_by' takes " + String.join(", ", DIMENSIONS) + "; '" + dimension
                                        + "' is none of them.");
                    }
                    if (!dimensions.contains(dimension)) {
                        dimensions.add(dimension);
                    }
                }
            }
        }
        return new UsageQuery(projectId, null, start, end, List.copyOf(dimensions));
    }

    /** A time as {@code from} and {@code to} take it: a date, an ISO-8601 instant or epoch seconds; else a 400. */
    public static Instant instant(String value, String field) {
        try {
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (value.matches("\\d{1,12}")) {
                return Instant.ofEpochSecond(Long.parseLong(value));
            }
            return Instant.parse(value);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw InvalidRequestException.invalidParameter(
                    field,
                    "'" + field
                            + "' must be a date (2026-11-01), an ISO-8601 time (2026-11-01T12:00:00Z) or epoch seconds.");
        }
    }

    /** The same question about one user's requests only. */
    public UsageQuery ofUser(String user) {
        return new UsageQuery(projectId, user, from, to, groupBy);
    }

    /** Whether both ends fall on midnight UTC, so that the daily aggregates answer exactly. */
    boolean wholeDays() {
        return from.getEpochSecond() % 86_400 == 0
                && from.getNano() == 0
                && to.getEpochSecond() % 86_400 == 0
                && to.getNano() == 0;
    }
}
