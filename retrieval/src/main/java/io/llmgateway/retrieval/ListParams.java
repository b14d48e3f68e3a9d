package io.llmgateway.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The cursor parameters of OpenAI's list endpoints: {@code limit}, {@code order} ({@code desc} by default: newest
 * first, as ids sort by creation) and {@code after} / {@code before} (an id of the previous page).
 */
public record ListParams(
        int limit,
        boolean ascending,
        @Nullable String after,
        @Nullable String before) {

    public static ListParams of(
            Integer limit, String order, String after, String before, int maxLimit, int defaultLimit) {
        int value = limit == null ? defaultLimit : limit;
        if (value < 1 || value > maxLimit) {
            throw InvalidRequestException.invalidParameter("limit", "'limit' must be between 1 and " + maxLimit + ".");
        }
        boolean ascending;
        if (order == null || order.isBlank() || order.equals("desc")) {
            ascending = false;
        } else if (order.equals("asc")) {
            ascending = true;
        } else {
            throw InvalidRequestException.invalidParameter("order", "'order' must be 'asc' or 'desc'.");
        }
        return new ListParams(value, ascending, blankToNull(after), blankToNull(before));
    }

    private static @Nullable String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * The condition on {@code column} and the order of a page query, for {@code WHERE ... AND} + this +
     * {@code LIMIT :limit}; binds {@code :cursor} when there is one.
     */
    public String sql(String column) {
        // with 'before', the rows nearest to the cursor are read in the opposite order, then reversed
        boolean forward = before == null;
        boolean up = forward == ascending;
        String condition = "";
        if (after != null && forward) {
            condition = column + (ascending ? " > " : " < ") + ":cursor";
        } else if (!forward) {
            condition = column + (ascending ? " < " : " > ") + ":cursor";
        }
        return (condition.isEmpty() ? "TRUE" : condition) + " ORDER BY " + column + (up ? " ASC" : " DESC")
                + " LIMIT :limit";
    }

    public DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec) {
        spec = spec.bind("limit", limit + 1);
        String cursor = before != null ? before : after;
        return cursor == null ? spec : spec.bind("cursor", cursor);
    }

    /** The rows in page order (reversed back for a {@code before} page). */
    public <T> List<T> ordered(List<T> rows) {
        if (before == null) {
            return rows;
        }
        List<T> page = new ArrayList<>(rows.size() > limit ? rows.subList(0, limit) : rows);
        Collections.reverse(page);
        if (rows.size() > limit) {
            page.add(rows.get(limit)); // keeps has_more: one row beyond the page
        }
        return page;
    }
}
