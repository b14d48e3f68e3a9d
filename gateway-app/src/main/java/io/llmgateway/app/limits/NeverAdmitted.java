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
                        + charge.period().wireName()
                        + ", so it can never be admitted: lower max_tokens, or shorten the prompt.");
            }
            return LimitExceededException.requestExceedsLimit("This request reserves " + reserved
                    + " tokens (its prompt plus max_tokens), more than " + charge.who() + "'s limit of "
                    + charge.limit() + " " + what(charge) + ", so it can never be admitted: lower max_tokens (or"
                    + " shorten the prompt) so that it reserves at most " + charge.limit() + " tokens.");
        }
        return null;
    }

    private static String what(Admission.Charge charge) {
        return switch (charge.kind()) {
            case REQUESTS_PER_MINUTE -> "requests per minute";
            case TOKENS_PER_MINUTE -> "tokens per minute";
            case CONCURRENT_REQUESTS -> "concurrent requests";
            case TOKEN_BUDGET -> "tokens per " + charge.period().wireName();
            case COST_BUDGET -> "US dollars per " + charge.period().wireName();
        };
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
