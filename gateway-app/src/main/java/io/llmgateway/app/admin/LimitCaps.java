package io.llmgateway.app.admin;

import io.llmgateway.app.limits.Limits;
import io.llmgateway.core.error.AccessException;
import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The caps the administrators set on a project's limits, as an owner meets them. */
final class LimitCaps {

    private LimitCaps() {}

    /**
     * Refuses limits that leave a capped limit unset or set it above its cap (a budget of the cap's period), with a
     * 403 naming the limit and its cap.
     */
    static void check(Limits requested, Limits caps) {
        atMost(requested.requestsPerMinute(), caps.requestsPerMinute(), "requests_per_minute");
        atMost(requested.tokensPerMinute(), caps.tokensPerMinute(), "tokens_per_minute");
        atMost(
                requested.concurrentRequests() == null
                        ? null
                        : requested.concurrentRequests().longValue(),
                caps.concurrentRequests() == null
                        ? null
                        : caps.concurrentRequests().longValue(),
                "concurrent_requests");
        Limits.TokenBudget tokenCap = caps.tokenBudget();
        if (tokenCap != null && tokenCap.limit() != null) {
            Limits.TokenBudget tokens = requested.tokenBudget();
            boolean within = tokens != null
                    && tokens.limit() != null
                    && Objects.equals(tokens.period(), tokenCap.period())
                    && tokens.limit() <= tokenCap.limit();
            if (!within) {
                throw aboveCap("token_budget", tokenCap.limit() + " tokens per " + tokenCap.period());
            }
        }
        Limits.CostBudget costCap = caps.costBudget();
        BigDecimal capUsd = costCap == null ? null : costCap.limitUsd();
        if (costCap != null && capUsd != null) {
            Limits.CostBudget cost = requested.costBudget();
            BigDecimal usd = cost == null ? null : cost.limitUsd();
            boolean within = cost != null
                    && usd != null
                    && Objects.equals(cost.period(), costCap.period())
                    && usd.compareTo(capUsd) <= 0;
            if (!within) {
                throw aboveCap("cost_budget", capUsd.toPlainString() + " USD per " + costCap.period());
            }
        }
    }

    private static void atMost(@Nullable Long value, @Nullable Long cap, String field) {
        if (cap != null && (value == null || value > cap)) {
            throw aboveCap(field, String.valueOf(cap));
        }
    }

    private static AccessException aboveCap(String field, String cap) {
        return AccessException.forbidden(
                "'" + field + "' must be set and at most " + cap
                        + ", the cap the administrators set for this project; ask them to raise it.",
                "limit_above_cap");
    }
}
