package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A tool call in an assistant message, or a fragment of one in a streamed delta ({@code index} set, the
 * {@code function.arguments} arriving in pieces).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(
        Integer index,
        String id,
        String type,
        FunctionCall function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ToolCall {
        extra = Unmodifiable.extra(extra);
    }

    /** The function a tool call invokes; {@code arguments} is a JSON document as a string. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(String name, String arguments) {}
}
