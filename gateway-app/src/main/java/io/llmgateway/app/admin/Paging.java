package io.llmgateway.app.admin;

import io.llmgateway.core.error.InvalidRequestException;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

/** {@code limit} (1-100, default 20) and {@code after} (the last id of the previous page) of list endpoints. */
public record Paging(int limit, @Nullable String after) {

    public static Paging of(@Nullable Integer limit, @Nullable String after) {
        int value = limit == null ? 20 : limit;
        if (value < 1 || value > 100) {
            throw InvalidRequestException.invalidParameter("limit", "'limit' must be between 1 and 100.");
        }
        return new Paging(value, after == null || after.isBlank() ? null : after);
    }

    /** Binds {@code :limit} (one row more than the page) and {@code :after} (null on the first page). */
    public DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec) {
        spec = spec.bind("limit", fetch());
        return after == null ? spec.bindNull("after", String.class) : spec.bind("after", after);
    }

    /** Rows to fetch: one more than the page, to know whether more follow. */
    public int fetch() {
        return limit + 1;
    }
}
