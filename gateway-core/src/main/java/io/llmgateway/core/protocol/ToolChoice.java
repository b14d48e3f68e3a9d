package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * {@code tool_choice}: a mode ({@code none}, {@code auto}, {@code required}) or an object naming a function.
 * The JSON is kept exactly as the client wrote it.
 */
public record ToolChoice(JsonNode json) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ToolChoice {
        if (json == null || !(json.isString() || json.isObject())) {
            throw new IllegalArgumentException("expected a string or an object");
        }
    }

    /** The mode when {@code tool_choice} is a string, otherwise {@code null}. */
    public @Nullable String mode() {
        return json.isString() ? json.stringValue() : null;
    }

    /** The function name when {@code tool_choice} names one, otherwise {@code null}. */
    public @Nullable String functionName() {
        JsonNode name = json.path("function").path("name");
        return name.isString() ? name.stringValue() : null;
    }

    @JsonValue
    JsonNode toJson() {
        return json;
    }
}
