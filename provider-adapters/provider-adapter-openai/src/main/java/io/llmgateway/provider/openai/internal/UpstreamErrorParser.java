package io.llmgateway.provider.openai.internal;

import io.llmgateway.core.error.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an upstream's error answer into an {@link UpstreamException}: OpenAI's {@code {"error":{...}}}, NVIDIA's
 * problem-details {@code {"title","detail"}}, a bare {@code {"message"}} or {@code {"detail"}}, or plain text.
 */
public final class UpstreamErrorParser {

    private static final int MAX_MESSAGE_CHARS = 1000;

    private final JsonMapper json;

    public UpstreamErrorParser(JsonMapper json) {
        this.json = json;
    }

    /** The exception for an error status with its body and {@code Retry-After} header (either may be absent). */
    public UpstreamException fromResponse(
            String deployment, int status, byte @Nullable [] body, @Nullable String retryAfterHeader) {
        Duration retryAfter = parseRetryAfter(retryAfterHeader);
        if (body == null || body.length == 0) {
            return UpstreamException.fromStatus(deployment, status, null, null, null, retryAfter);
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException notJson) {
            return UpstreamException.fromStatus(
                    deployment,
                    status,
                    truncate(new String(body, StandardCharsets.UTF_8).strip()),
                    null,
                    null,
                    retryAfter);
        }
        ErrorFields fields = fields(root);
        return UpstreamException.fromStatus(
                deployment, status, fields.message(), fields.param(), fields.code(), retryAfter);
    }

    /** Reads an error response (status, body, {@code Retry-After}) into its exception; never fails itself. */
    public Mono<UpstreamException> fromResponse(String deployment, ClientResponse response) {
        int status = response.statusCode().value();
        String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
        return response.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(body -> fromResponse(deployment, status, body, retryAfter));
    }

    /** The error object an upstream sent inside its event stream, e.g. {@code data: {"error":{...}}}. */
    public UpstreamException fromStreamEvent(String deployment, JsonNode event) {
        ErrorFields fields = fields(event);
        return UpstreamException.inStream(deployment, fields.message(), null, fields.code());
    }

    private static ErrorFields fields(JsonNode root) {
        JsonNode error = root.path("error");
        if (error.isObject()) {
            return new ErrorFields(text(error.get("message")), text(error.get("param")), text(error.get("code")));
        }
        if (error.isString()) {
            return new ErrorFields(truncate(error.stringValue()), null, null);
        }
        String detail = text(root.get("detail"));
        if (detail == null && root.path("detail").isArray()) {
            detail = truncate(root.get("detail").toString());
        }
        String message = detail != null ? detail : text(root.get("message"));
        if (message == null) {
            message = text(root.get("title"));
        }
        return new ErrorFields(message == null ? truncate(root.toString()) : message, null, null);
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return truncate(node.isString() ? node.stringValue() : node.toString());
    }

    private static String truncate(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static @Nullable Duration parseRetryAfter(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private record ErrorFields(
            @Nullable String message,
            @Nullable String param,
            @Nullable String code) {}
}
