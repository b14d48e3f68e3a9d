package io.llmgateway.app.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link UsageQuery}: one row per group, and the totals.
 *
 * @param from     the range's start, epoch seconds
 * @param to       the range's end (exclusive), epoch seconds
 * @param groupBy  the dimensions of the rows
 * @param data     the rows, ordered by their dimensions
 * @param totals   the sums over every row
 */
public record UsageReport(
        String object,
        Long from,
        Long to,
        @JsonProperty("group_by") List<String> groupBy,
        List<Row> data,
        Row totals) {

    /** One group's totals; the dimensions not grouped by are absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(
            @JsonProperty("project_id") @Nullable String projectId,
            @JsonProperty("user_id") @Nullable String userId,
            @JsonProperty("key_id") @Nullable String keyId,
            @Nullable String model,
            @Nullable String day,
            long requests,
            @JsonProperty("prompt_tokens") long promptTokens,
            @JsonProperty("completion_tokens") long completionTokens,
            @JsonProperty("total_tokens") long totalTokens,
            @JsonProperty("cost_usd") BigDecimal costUsd) {}

    /** The report as CSV: the grouped dimensions, then the sums, one line per row; no totals line. */
    public String toCsv() {
        StringBuilder csv = new StringBuilder();
        for (String dimension : groupBy) {
            csv.append(column(dimension)).append(',');
        }
        csv.append("requests,prompt_tokens,completion_tokens,total_tokens,cost_usd\n");
        for (Row row : data) {
            for (String dimension : groupBy) {
                csv.append(escape(value(row, dimension))).append(',');
            }
            csv.append(row.requests())
                    .append(',')
                    .append(row.promptTokens())
                    .append(',')
                    .append(row.completionTokens())
                    .append(',')
                    .append(row.totalTokens())
                    .append(',')
                    .append(row.costUsd().toPlainString())
                    .append('\n');
        }
        return csv.toString();
    }

    private static String column(String dimension) {
        return switch (dimension) {
            case "project", "user", "key" -> dimension + "_id";
            default -> dimension;
        };
    }

    private static @Nullable String value(Row row, String dimension) {
        return switch (dimension) {
            case "project" -> row.projectId();
            case "user" -> row.userId();
            case "key" -> row.keyId();
            case "model" -> row.model();
            default -> row.day();
        };
    }

    /** RFC 4180 quoting, and a leading quote for values a spreadsheet would run as a formula. */
    static String escape(@Nullable String value) {
        if (value == null) {
            return "";
        }
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
