package io.llmgateway.core.error;

import io.llmgateway.core.protocol.ErrorBody;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failure that the client sees as an OpenAI error body with an HTTP status.
 *
 * <p>Built by static factories on the subtypes, so every instance carries its context. Gateway exceptions are
 * expected outcomes on the hot path (a bad parameter, an upstream 429) and skip their stack traces.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final ErrorType type;
    private final @Nullable String param;
    private final @Nullable String code;
    private final @Nullable Duration retryAfter;

    protected GatewayException(
            int status,
            ErrorType type,
            String message,
            @Nullable String param,
            @Nullable String code,
            @Nullable Duration retryAfter,
            @Nullable Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** A failure inside the gateway that has no more specific kind; its message is safe to show. */
    public static GatewayException internal(String message, @Nullable Throwable cause) {
        return new GatewayException(500, ErrorType.SERVER, message, null, "internal_error", null, cause);
    }

    /** A request that cannot be served right now, with the setting or condition that is missing. */
    public static GatewayException unavailable(String message, String code, @Nullable Duration retryAfter) {
        return new GatewayException(503, ErrorType.UNAVAILABLE, message, null, code, retryAfter, null);
    }

    /** 429: the caller asks for more at once than the gateway serves one client, and may retry soon. */
    public static GatewayException throttled(String message, String code, @Nullable Duration retryAfter) {
        return new GatewayException(429, ErrorType.RATE_LIMIT, message, null, code, retryAfter, null);
    }

    public int status() {
        return status;
    }

    public ErrorType type() {
        return type;
    }

    public @Nullable String param() {
        return param;
    }

    public @Nullable String code() {
        return code;
    }

    /** How long the client should wait before retrying, for the {@code Retry-After} header. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Headers the error answer carries besides {@code Retry-After} (a limit's {@code x-ratelimit-*}). */
    public Map<String, String> headers() {
        return Map.of();
    }

    /**
     * The code a failure is recorded under in the usage ledger and the metrics: a gateway failure's code (or its
     * type when it has none); {@code internal_error} for anything else.
     */
    public static String codeOf(Throwable failure) {
        if (failure instanceof GatewayException gateway) {
            return gateway.code != null ? gateway.code : gateway.type.wireName();
        }
        return "internal_error";
    }

    /** The OpenAI error body for this failure. */
    public ErrorBody toBody() {
        // the constructors take a message, so getMessage() is not null
        return ErrorBody.of(Objects.requireNonNullElse(getMessage(), type.wireName()), type.wireName(), param, code);
    }
}
