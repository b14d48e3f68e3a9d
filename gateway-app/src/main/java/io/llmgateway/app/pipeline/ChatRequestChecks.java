package io.llmgateway.app.pipeline;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.protocol.ResponseFormat;
import io.llmgateway.core.protocol.Tool;
import io.llmgateway.core.protocol.ToolCall;
import io.llmgateway.core.protocol.ToolChoice;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The checks every chat request passes whatever its model, the rules of OpenAI's API that any OpenAI-compatible
 * upstream would refuse a request for (better a 400 naming the field now than an upstream error later): a model id,
 * messages whose content has a shape a model can read, well-formed tools and tool calls, a {@code tool_choice} that
 * names what the request offers, a known {@code response_format}, and {@code logit_bias} keyed by token ids.
 * Model-specific ranges and message rules belong to the model's parameter profile.
 */
final class ChatRequestChecks {

    /** OpenAI's rule for function names. */
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Set<String> TOOL_CHOICE_MODES = Set.of("none", "auto", "required");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");

    private ChatRequestChecks() {}

    static void check(ChatCompletionRequest request) {
        if (request.model() == null || request.model().isBlank()) {
            throw invalid("model", "Missing required parameter: 'model'.");
        }
        List<ChatMessage> messages = request.messages();
        if (messages == null) {
            throw invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (messages.isEmpty()) {
            throw invalid("messages", "'messages' must contain at least one message.");
        }
        for (int i = 0; i < messages.size(); i++) {
            checkMessage(messages.get(i), "messages[" + i + "]");
        }
        Set<String> functions = checkTools(request.tools());
        checkToolChoice(request.toolChoice(), functions);
        checkResponseFormat(request.responseFormat());
        checkLogitBias(request.logitBias());
    }

    private static void checkMessage(ChatMessage message, String path) {
        if (message == null) {
            throw invalid(path, path + " must be an object.");
        }
        if (message.role() == null || message.role().isBlank()) {
            throw invalid(path + ".role", "Missing required parameter: '" + path + ".role'.");
        }
        JsonNode content = message.content();
        boolean assistant = "assistant".equals(message.role());
        if (content == null || content.isNull()) {
            if (!assistant) {
                throw invalid(
                        path + ".content",
                        "Missing required parameter: '" + path + ".content' (only an"
                                + " assistant message with tool calls may leave it out).");
            }
        } else if (content.isArray()) {
            if (content.isEmpty()) {
                throw invalid(path + ".content", "'" + path + ".content' must not be an empty list.");
            }
            for (int p = 0; p < content.size(); p++) {
                checkPart(content.get(p), path + ".content[" + p + "]");
            }
        } else if (!content.isString()) {
            throw invalid(
                    path + ".content",
                    "Invalid type for '" + path + ".content': expected a string or a list" + " of content parts.");
        }
        if (message.toolCalls() != null) {
            for (int c = 0; c < message.toolCalls().size(); c++) {
                checkToolCall(message.toolCalls().get(c), path + ".tool_calls[" + c + "]");
            }
        }
        if ("tool".equals(message.role())
                && (message.toolCallId() == null || message.toolCallId().isBlank())) {
            throw invalid(path + ".tool_call_id", "A tool message needs the 'tool_call_id' it answers.");
        }
    }

    private static void checkPart(JsonNode part, String path) {
        if (part == null || !part.isObject() || !part.path("type").isString()) {
            throw invalid(path, "Each content part must be an object with a 'type'.");
        }
        String type = part.get("type").stringValue();
        if (type.equals("text") && !part.path("text").isString()) {
            throw invalid(path + ".text", "A text part needs its 'text' as a string.");
        }
        if (type.equals("image_url") && !part.path("image_url").path("url").isString()) {
            throw invalid(path + ".image_url.url", "An image part needs 'image_url.url' as a string.");
        }
    }

    private static void checkToolCall(ToolCall call, String path) {
        if (call == null) {
            throw invalid(path, path + " must be an object.");
        }
        if (call.function() == null
                || call.function().name() == null
                || call.function().name().isBlank()) {
            throw invalid(path + ".function.name", "A tool call needs the name of its function.");
        }
    }

    /** The functions the request declares, by name. */
    private static Set<String> checkTools(@Nullable List<Tool> tools) {
        Set<String> names = new HashSet<>();
        if (tools == null) {
            return names;
        }
        for (int t = 0; t < tools.size(); t++) {
            Tool tool = tools.get(t);
            String path = "tools[" + t + "]";
            if (tool == null) {
                throw invalid(path, path + " must be an object.");
            }
            if (!"function".equals(tool.type())) {
                throw invalid(path + ".type", "'" + path + ".type' must be 'function'.");
            }
            Tool.Function function = tool.function();
            if (function == null
                    || function.name() == null
                    || !FUNCTION_NAME.matcher(function.name()).matches()) {
                throw invalid(
                        path + ".function.name",
                        "'" + path + ".function.name' must be 1 to 64 letters," + " digits, '_' or '-'.");
            }
            if (function.parameters() != null
                    && !function.parameters().isNull()
                    && !function.parameters().isObject()) {
                throw invalid(
                        path + ".function.parameters",
                        "'" + path + ".function.parameters' must be a JSON" + " Schema object.");
            }
            if (!names.add(function.name())) {
                throw invalid(path + ".function.name", "Two tools are named '" + function.name() + "'.");
            }
        }
        return names;
    }

    private static void checkToolChoice(@Nullable ToolChoice choice, Set<String> functions) {
        if (choice == null) {
            return;
        }
        String mode = choice.mode();
        if (mode != null) {
            if (!TOOL_CHOICE_MODES.contains(mode)) {
                throw invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or a named function.");
            }
            if (mode.equals("required") && functions.isEmpty()) {
                throw invalid("tool_choice", "'tool_choice' is 'required' but the request offers no tools.");
            }
            return;
        }
        String name = choice.functionName();
        if (name == null || !"function".equals(choice.json().path("type").asString(""))) {
            throw invalid(
                    "tool_choice",
                    "A named 'tool_choice' is {\"type\":\"function\",\"function\":{\"name\":" + " ...}}.");
        }
        if (functions.isEmpty()) {
            throw invalid(
                    "tool_choice",
                    "'tool_choice' names the function '" + name + "' but the request offers" + " no tools.");
        }
    }

    private static void checkResponseFormat(@Nullable ResponseFormat format) {
        if (format == null) {
            return;
        }
        if (format.type() == null || !RESPONSE_FORMATS.contains(format.type())) {
            throw invalid(
                    "response_format.type",
                    "'response_format.type' must be 'text', 'json_object' or" + " 'json_schema'.");
        }
        if (format.type().equals("json_schema")) {
            JsonNode schema = format.jsonSchema();
            if (schema == null || !schema.isObject()) {
                throw invalid(
                        "response_format.json_schema",
                        "'response_format.json_schema' is required with type"
                                + " 'json_schema': {\"name\": ..., \"schema\": {...}}.");
            }
            if (!schema.path("name").isString()
                    || !FUNCTION_NAME.matcher(schema.get("name").stringValue()).matches()) {
                throw invalid(
                        "response_format.json_schema.name",
                        "'response_format.json_schema.name' must be 1 to 64" + " letters, digits, '_' or '-'.");
            }
            // OpenAI's reference leaves it out of the required fields, but without it there is nothing to follow,
            // and vLLM-class engines refuse the request
            if (!schema.path("schema").isObject()) {
                throw invalid(
                        "response_format.json_schema.schema",
                        "'response_format.json_schema.schema' is"
                                + " required: the JSON Schema object the answer must follow.");
            }
        }
    }

    /** {@code logit_bias} maps token ids (whole numbers as text) to biases. */
    private static void checkLogitBias(@Nullable Map<String, Number> bias) {
        if (bias == null) {
            return;
        }
        for (Map.Entry<String, Number> entry : bias.entrySet()) {
            String token = entry.getKey();
            boolean id = !token.isEmpty()
                    && token.length() <= 10
                    && token.chars().allMatch(c -> c >= '0' && c <= '9')
                    && Long.parseLong(token) <= Integer.MAX_VALUE;
            if (!id) {
                throw invalid(
                        "logit_bias",
                        "The keys of 'logit_bias' are token ids (whole numbers), not '"
                                + (token.length() > 20 ? token.substring(0, 20) + "..." : token) + "'.");
            }
            if (entry.getValue() == null || !Double.isFinite(entry.getValue().doubleValue())) {
                throw invalid("logit_bias", "The values of 'logit_bias' are numbers.");
            }
        }
    }

    private static InvalidRequestException invalid(String param, String message) {
        return InvalidRequestException.invalidParameter(param, message);
    }
}
