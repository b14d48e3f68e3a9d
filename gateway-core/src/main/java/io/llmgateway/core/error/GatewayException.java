package io.llmgateway.core.error;

import io.llmgateway.core.protocol.ErrorBody;
import java.time.Duration;
import java.util.Optional;

/**
 * A failure that the client sees as an OpenAI error body with an HTTP status.
 *
 * <p>Built by static factories on the subtypes, so every instance carries its context. Gateway exceptions are
 * expected outcomes on the hot path (a bad parameter, an upstream 429) and skip their stack traces.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final ErrorType type;
    private final String param;
    private final String code;
    private final Duration retryAfter;

    protected GatewayException(int status, ErrorType type, String message, String param, String code,
                               Duration retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** A failure inside the gateway that has no more specific kind; its message is safe to show. */
    public static GatewayException internal(String message, Throwable cause) {
        return new GatewayException(500, ErrorType.SERVER, message, null, "internal_error", null, cause);
    }

    /** A request that cannot be served right now, with the setting or condition that is missing. */
    public static GatewayException unavailable(String message, String code, Duration retryAfter) {
        return new GatewayException(503, ErrorType.UNAVAILABLE, message, null, code, retryAfter, null);
    }

    /** 429: the caller asks for more at once than the gateway serves one client, and may retry soon. */
    public static GatewayException throttled(String message, String code, Duration retryAfter) {
        return new GatewayException(429, ErrorType.RATE_LIMIT, message, null, code, retryAfter, null);
    }

    public int status() {
        return status;
    }

    public ErrorType type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** How long the client should wait before retrying, for the {@code Retry-After} header. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The OpenAI error body for this failure. */
    public ErrorBody toBody() {
        return ErrorBody.of(getMessage(), type.wireName(), param, code);
    }
}
