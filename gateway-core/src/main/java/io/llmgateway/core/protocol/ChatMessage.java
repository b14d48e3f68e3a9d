package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * One message of a conversation, and also the {@code delta} of a streamed chunk (where every field is optional).
 *
 * @param role       {@code system}, {@code developer}, {@code user}, {@code assistant}, {@code tool}, or NIM's
 *                   context role
 * @param content    a string, an array of content parts, or absent (an assistant message with tool calls)
 * @param toolCalls  the tool calls of an assistant message or delta
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(
        @Nullable String role,
        @Nullable JsonNode content,
        @Nullable String name,
        @Nullable String refusal,
        @JsonProperty("tool_calls") @Nullable List<ToolCall> toolCalls,
        @JsonProperty("tool_call_id") @Nullable String toolCallId,
        @JsonProperty("function_call") @Nullable JsonNode functionCall,
        @Nullable JsonNode audio,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ChatMessage {
        toolCalls = Unmodifiable.list(toolCalls);
        extra = Unmodifiable.extra(extra);
    }

    /** A message whose content is plain text. */
    public static ChatMessage of(@Nullable String role, @Nullable String text) {
        return new ChatMessage(
                role,
                text == null ? null : StringNode.valueOf(text),
                null,
                null,
                null,
                null,
                null,
                null,
                new LinkedHashMap<>());
    }

    /**
     * The text of the content: the string itself, or the {@code text} of every text part joined by newlines;
     * empty when there is no text.
     */
    public String text() {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode partText = part.get("text");
                if (partText != null && partText.isString()) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(partText.stringValue());
                }
            }
            return text.toString();
        }
        return "";
    }
}
