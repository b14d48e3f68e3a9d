package io.llmgateway.core.error;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A caller refused for who they are: a missing or bad key (401), or no right to what they asked for (403). */
public final class AccessException extends GatewayException {

    private AccessException(
            int status,
            ErrorType type,
            String message,
            @Nullable String param,
            String code,
            @Nullable Duration retryAfter) {
        super(status, type, message, param, code, retryAfter, null);
    }

    /**
     * 401 for a missing, malformed, unknown, revoked or expired key. One message for all of them, so that it
     * never tells whether a key id exists.
     */
    public static AccessException invalidApiKey() {
        return new AccessException(
                401,
                ErrorType.INVALID_REQUEST,
                "Incorrect or missing API key. Send a valid key as 'Authorization: Bearer <key>'.",
                null,
                "invalid_api_key",
                null);
    }

    /** 403: the key is valid but may not do this. */
    public static AccessException forbidden(String message, String code) {
        return new AccessException(403, ErrorType.PERMISSION, message, null, code, null);
    }

    /** 403: the caller's project may not use this model. */
    public static AccessException modelNotAllowed(String model) {
        return new AccessException(
                403,
                ErrorType.PERMISSION,
                "Your project is not allowed to use the model '" + model + "'.",
                "model",
                "model_not_allowed",
                null);
    }

    /** 403: the caller's project may not use a model that {@code param} asked for indirectly (e.g. retrieval's). */
    public static AccessException modelNotAllowed(String model, String param, String message) {
        return new AccessException(403, ErrorType.PERMISSION, message, param, "model_not_allowed", null);
    }

    /** 400: an identity header is missing or malformed. */
    public static AccessException badHeader(String header, String message) {
        return new AccessException(400, ErrorType.INVALID_REQUEST, message, header, "invalid_header", null);
    }

    /** 429: too many failed authentications from this client address, or with this key id. */
    public static AccessException tooManyFailures(Duration retryAfter) {
        return new AccessException(
                429,
                ErrorType.RATE_LIMIT,
                "Incorrect API key, and too many failed authentications from your address or with this key id; check"
                        + " the key (a valid key is always accepted).",
                null,
                "too_many_auth_failures",
                retryAfter);
    }
}
