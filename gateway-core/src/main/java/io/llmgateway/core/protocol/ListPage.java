package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's list shape, {@code {"object":"list","data":[...],"first_id","last_id","has_more"}}: the admin API's lists and
 * the files and vector stores of retrieval.
 */
public record ListPage<T>(
        String object,
        List<T> data,
        @JsonProperty("first_id") @Nullable String firstId,
        @JsonProperty("last_id") @Nullable String lastId,
        @JsonProperty("has_more") boolean hasMore) {

    /** A page from {@code limit + 1} fetched rows: the extra row only says that there is more. */
    public static <T> ListPage<T> of(List<T> rows, int limit, Function<T, String> id) {
        boolean more = rows.size() > limit;
        List<T> data = more ? rows.subList(0, limit) : rows;
        return new ListPage<>(
                "list",
                data,
                data.isEmpty() ? null : id.apply(data.get(0)),
                data.isEmpty() ? null : id.apply(data.get(data.size() - 1)),
                more);
    }
}
