package io.llmgateway.app.limits;

import io.llmgateway.core.error.ErrorType;
import io.llmgateway.core.error.GatewayException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request refused by a limit. Waiting helps: a rate limit or concurrency limit (429 {@code rate_limit_exceeded})
 * or a budget (429 {@code insufficient_quota}), with {@code Retry-After}. Waiting cannot help, so no
 * {@code Retry-After}: a request that reserves more than a limit's whole size (400 {@code request_exceeds_limit}),
 * or a limit of 0 (403 {@code limit_zero}) or a stored budget that cannot be applied (403 {@code limit_invalid}).
 */
public final class LimitExceededException extends GatewayException {

    private final Map<String, String> headers;

    private LimitExceededException(
            int status,
            ErrorType type,
            String message,
            @Nullable String param,
            @Nullable String code,
            @Nullable Duration retryAfter,
            Map<String, String> headers) {
        super(status, type, message, param, code, retryAfter, null);
        this.headers = headers;
    }

    private LimitExceededException(
            int status,
            ErrorType type,
            String message,
            @Nullable String param,
            String code,
            @Nullable Duration retryAfter) {
        this(status, type, message, param, code, retryAfter, Map.of());
    }

    /** The same refusal, answered with the rate-limit headers of the limits that applied. */
    LimitExceededException withHeaders(RateLimitHeaders rateLimits) {
        return new LimitExceededException(
                status(),
                type(),
                // every refusal has a message (the factories below)
                Objects.requireNonNull(getMessage(), "message"),
                param(),
                code(),
                retryAfter().orElse(null),
                rateLimits.asMap());
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    static LimitExceededException rateLimited(String message, String code, Duration retryAfter) {
        return new LimitExceededException(429, ErrorType.RATE_LIMIT, message, null, code, retryAfter);
    }

    static LimitExceededException budgetExhausted(String message, String code, Duration retryAfter) {
        return new LimitExceededException(429, ErrorType.INSUFFICIENT_QUOTA, message, null, code, retryAfter);
    }

    /** The request's reservation alone is over the limit: only a smaller request can ever be admitted. */
    static LimitExceededException requestExceedsLimit(String message) {
        return new LimitExceededException(
                400, ErrorType.INVALID_REQUEST, message, "max_tokens", "request_exceeds_limit", null);
    }

    /** A limit of 0 admits nothing until an administrator raises it. */
    static LimitExceededException limitZero(String message) {
        return new LimitExceededException(403, ErrorType.PERMISSION, message, null, "limit_zero", null);
    }

    /** A stored limit that cannot be applied admits nothing until an administrator sets it again. */
    static LimitExceededException limitInvalid(String message) {
        return new LimitExceededException(403, ErrorType.PERMISSION, message, null, "limit_invalid", null);
    }

    /** Admission could not reach the limits backend and the policy is to fail closed. */
    static GatewayException backendUnavailable() {
        return GatewayException.unavailable(
                "Rate limits cannot be checked right now; retry shortly.", "limits_unavailable", Duration.ofSeconds(1));
    }
}
