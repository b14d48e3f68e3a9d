package io.llmgateway.core.error;

import org.jspecify.annotations.Nullable;

/** A request the gateway refuses before any upstream call: a 4xx naming the parameter at fault. */
public final class InvalidRequestException extends GatewayException {

    private InvalidRequestException(
            int status, ErrorType type, String message, @Nullable String param, @Nullable String code) {
        super(status, type, message, param, code, null, null);
    }

    /** 400: a parameter is missing, malformed, of the wrong type or out of range. */
    public static InvalidRequestException invalidParameter(@Nullable String param, String message) {
        return new InvalidRequestException(400, ErrorType.INVALID_REQUEST, message, param, "invalid_parameter");
    }

    /** 400: the body is not valid JSON. */
    public static InvalidRequestException malformedJson(String message) {
        return new InvalidRequestException(400, ErrorType.INVALID_REQUEST, message, null, "invalid_json");
    }

    /** 404: the model id is not configured (or not visible to the caller). */
    public static InvalidRequestException modelNotFound(String model) {
        return new InvalidRequestException(
                404,
                ErrorType.INVALID_REQUEST,
                "The model '" + model + "' does not exist or you do not have access to it.",
                "model",
                "model_not_found");
    }

    /**
     * 400: the model exists but does something else than this endpoint (a chat request to an embedding model, or
     * the other way round).
     *
     * @param endpoint the endpoint that serves the model, e.g. {@code /v1/embeddings}
     */
    public static InvalidRequestException wrongModelType(String model, String kind, String endpoint) {
        return new InvalidRequestException(
                400,
                ErrorType.INVALID_REQUEST,
                "The model '" + model + "' is " + kind + " model; call it through " + endpoint + ".",
                "model",
                "model_not_supported");
    }

    /** 404: an admin resource that does not exist. */
    public static InvalidRequestException notFound(String kind, String id) {
        return new InvalidRequestException(
                404, ErrorType.NOT_FOUND, "No " + kind + " with id '" + id + "'.", null, "not_found");
    }

    /** 409: the resource exists already. */
    public static InvalidRequestException conflict(String message, @Nullable String param) {
        return new InvalidRequestException(409, ErrorType.INVALID_REQUEST, message, param, "conflict");
    }

    /** 404: no such path. */
    public static InvalidRequestException unknownPath(String method, String path) {
        return new InvalidRequestException(
                404,
                ErrorType.INVALID_REQUEST,
                "Unknown request URL: " + method + " " + path + ".",
                null,
                "unknown_url");
    }

    /** 405: the path exists but not for this method. */
    public static InvalidRequestException methodNotAllowed(String method, String path) {
        return new InvalidRequestException(
                405,
                ErrorType.INVALID_REQUEST,
                "Method " + method + " is not allowed on " + path + ".",
                null,
                "method_not_allowed");
    }

    /** Another client-side HTTP status raised by the web layer (406, ...), with its reason. */
    public static InvalidRequestException httpStatus(int status, @Nullable String message) {
        return httpStatus(status, message, null);
    }

    /** Another client-side HTTP status, with its reason and an error code. */
    public static InvalidRequestException httpStatus(int status, @Nullable String message, @Nullable String code) {
        return new InvalidRequestException(
                status,
                ErrorType.INVALID_REQUEST,
                message == null ? "The request cannot be served (HTTP " + status + ")." : message,
                null,
                code);
    }

    /** 413: the body is larger than the configured limit. */
    public static InvalidRequestException bodyTooLarge(long limitBytes) {
        return new InvalidRequestException(
                413,
                ErrorType.INVALID_REQUEST,
                "Request body too large: the limit is " + limitBytes + " bytes.",
                null,
                "request_too_large");
    }

    /** 415: the body is not {@code application/json}. */
    public static InvalidRequestException unsupportedMediaType(String contentType) {
        return new InvalidRequestException(
                415,
                ErrorType.INVALID_REQUEST,
                "Unsupported Content-Type '" + contentType + "': send application/json.",
                null,
                "unsupported_media_type");
    }
}
