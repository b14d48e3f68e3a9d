package io.llmgateway.core.error;

/** The {@code type} values of OpenAI's error body that the gateway uses. */
public enum ErrorType {
    INVALID_REQUEST("invalid_request_error"),
    AUTHENTICATION("authentication_error"),
    PERMISSION("permission_error"),
    NOT_FOUND("not_found_error"),
    RATE_LIMIT("rate_limit_exceeded"),
    INSUFFICIENT_QUOTA("insufficient_quota"),
    UPSTREAM("upstream_error"),
    TIMEOUT("timeout_error"),
    UNAVAILABLE("service_unavailable"),
    SERVER("server_error");

    private final String wireName;

    ErrorType(String wireName) {
        this.wireName = wireName;
    }

    /** The name written in the error body. */
    public String wireName() {
        return wireName;
    }
}
