package io.llmgateway.app.limits;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The limits of a project or of one of its keys, as {@code PUT .../limits} takes them; a null field is no limit.
 *
 * @param requestsPerMinute  requests admitted per calendar minute
 * @param tokensPerMinute    tokens (prompt plus reserved completion) per calendar minute
 * @param concurrentRequests requests in flight at once
 * @param tokenBudget        tokens per day or month
 * @param costBudget         US dollars per day or month
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Limits(
        @JsonProperty("requests_per_minute") @Nullable Long requestsPerMinute,
        @JsonProperty("tokens_per_minute") @Nullable Long tokensPerMinute,
        @JsonProperty("concurrent_requests") @Nullable Integer concurrentRequests,
        @JsonProperty("token_budget") @Nullable TokenBudget tokenBudget,
        @JsonProperty("cost_budget") @Nullable CostBudget costBudget) {

    public static final Limits NONE = new Limits(null, null, null, null, null);

    @JsonIgnore
    public boolean isEmpty() {
        return requestsPerMinute == null
                && tokensPerMinute == null
                && concurrentRequests == null
                && tokenBudget == null
                && costBudget == null;
    }

    /** At most {@code limit} tokens per {@code period}. */
    public record TokenBudget(
            @Nullable Long limit, @Nullable String period) {}

    /** At most {@code limitUsd} US dollars per {@code period}. */
    public record CostBudget(
            @JsonProperty("limit_usd") @Nullable BigDecimal limitUsd,
            @Nullable String period) {}
}
