package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}: the only error shape on the data plane.
 * {@code param} and {@code code} are written as {@code null} when they do not apply, as OpenAI does.
 */
public record ErrorBody(Error error) {

    public static ErrorBody of(String message, String type, @Nullable String param, @Nullable String code) {
        return new ErrorBody(new Error(message, type, param, code));
    }

    /** The error object inside the body. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Error(
            String message,
            String type,
            @Nullable String param,
            @Nullable String code) {}
}
