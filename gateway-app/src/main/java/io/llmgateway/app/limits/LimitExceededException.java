package io.llmgateway.app.limits;

import io.llmgateway.core.error.ErrorType;
import io.llmgateway.core.error.GatewayException;
import java.time.Duration;

/** A request refused by a rate limit or concurrency limit (429 {@code rate_limit_exceeded}) or a budget (429
 * {@code insufficient_quota}). */
public final class LimitExceededException extends GatewayException {

    private LimitExceededException(ErrorType type, String message, String code, Duration retryAfter) {
        super(429, type, message, null, code, retryAfter, null);
    }

    static LimitExceededException rateLimited(String message, String code, Duration retryAfter) {
        return new LimitExceededException(ErrorType.RATE_LIMIT, message, code, retryAfter);
    }

    static LimitExceededException budgetExhausted(String message, String code, Duration retryAfter) {
        return new LimitExceededException(ErrorType.INSUFFICIENT_QUOTA, message, code, retryAfter);
    }

    /** Admission could not reach the limits backend and the policy is to fail closed. */
    static GatewayException backendUnavailable() {
        return GatewayException.unavailable("Rate limits cannot be checked right now; retry shortly.",
                "limits_unavailable", Duration.ofSeconds(1));
    }
}
