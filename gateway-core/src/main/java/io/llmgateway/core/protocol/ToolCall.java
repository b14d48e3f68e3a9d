package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A tool call in an assistant message, or a fragment of one in a streamed delta ({@code index} set, the
 * {@code function.arguments} arriving in pieces).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(
        @Nullable Integer index,
        @Nullable String id,
        @Nullable String type,
        @Nullable FunctionCall function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ToolCall {
        extra = Unmodifiable.extra(extra);
    }

    /** The function a tool call invokes; {@code arguments} is a JSON document as a string. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(
            @Nullable String name, @Nullable String arguments) {}
}
