package io.llmgateway.app.limits;

import io.llmgateway.app.usage.Price;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Requests that no amount of waiting would admit, refused before any backend call and without Retry-After (a
 * client told to retry would retry for ever): a limit of 0, and a reservation larger than a tokens-per-minute
 * limit or than a budget's whole limit.
 */
final class NeverAdmitted {

    private NeverAdmitted() {}

    /** The refusal, or null when waiting could admit the request. */
    static @Nullable LimitExceededException check(List<Admission.Charge> charges) {
        for (Admission.Charge charge : charges) {
            if (charge.limit() <= 0) {
                return LimitExceededException.limitZero(capitalized(charge.who()) + "'s limit of " + what(charge)
                        + " is 0: no request is admitted until an administrator raises it.");
            }
        }
        for (Admission.Charge charge : charges) {
            long reserved = charge.counter().amount();
            if (charge.kind() == LimitKind.CONCURRENT_REQUESTS
                    || charge.kind() == LimitKind.REQUESTS_PER_MINUTE
                    || reserved <= charge.limit()) {
                continue;
            }
            if (charge.kind() == LimitKind.COST_BUDGET) {
                return LimitExceededException.requestExceedsLimit("This request reserves "
                        + Price.dollars(reserved).toPlainString() + " USD (its prompt plus max_tokens at the model's"
                        + " price), more than " + charge.who() + "'s whole cost budget of "
                        + Price.dollars(charge.limit()).toPlainString() + " USD per "
                        + charge.budgetPeriod().wireName()
                        + ", so it can never be admitted: lower max_tokens, or shorten the prompt.");
            }
            return LimitExceededException.requestExceedsLimit("This request reserves " + reserved
                    + " tokens (its prompt plus max_tokens), more than " + charge.who() + "'s limit of "
                    + charge.limit() + " " + what(charge) + ", so it can never be admitted: lower max_tokens (or"
                    + " shorten the prompt) so that it reserves at most " + charge.limit() + " tokens.");
        }
        return null;
    }

    /**
     * The refusal for a stored budget that cannot be applied: without its limit, or with a period other than
     * {@code day} or {@code month} (the admin API never stores one, but a row changed by hand can hold one). Like a
     * limit of 0, it admits nothing until an administrator sets the budget again; never a budget silently ignored.
     */
    static LimitExceededException unusableBudget(
            LimitScope scope, String scopeId, String budget, boolean noLimit, @Nullable String period) {
        String who = scope == LimitScope.PROJECT ? "Project " + scopeId : "Key " + scopeId;
        String why = noLimit
                ? "it has no limit"
                : period == null ? "it has no period" : "its period '" + period + "' is neither 'day' nor 'month'";
        return LimitExceededException.limitInvalid(who + "'s " + budget + " cannot be applied: " + why
                + ". No request is admitted until an administrator sets it again.");
    }

    private static String what(Admission.Charge charge) {
        return switch (charge.kind()) {
            case REQUESTS_PER_MINUTE -> "requests per minute";
            case TOKENS_PER_MINUTE -> "tokens per minute";
            case CONCURRENT_REQUESTS -> "concurrent requests";
            case TOKEN_BUDGET -> "tokens per " + charge.budgetPeriod().wireName();
            case COST_BUDGET -> "US dollars per " + charge.budgetPeriod().wireName();
        };
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
