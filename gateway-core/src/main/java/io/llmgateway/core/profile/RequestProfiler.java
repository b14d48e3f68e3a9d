package io.llmgateway.core.profile;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a request against its model's {@link ParameterProfile} and completes it, before any upstream call:
 *
 * <ol>
 *   <li>every known parameter the profile does not accept is refused (400) or dropped, as the profile says;
 *   fields the gateway does not know at all are forwarded untouched;</li>
 *   <li>types, ranges, list sizes, {@code requires} and the message rules are checked; a violation is a 400 that
 *   names the parameter in {@code param} and the allowed range or rule in {@code message};</li>
 *   <li>defaults fill what the request left out: request, then route, then profile;</li>
 *   <li>{@code max_tokens} is checked against the route's context length; once the prompt is counted (which may
 *   take longer, and happens elsewhere), {@link #checkPromptFits} checks the prompt with it.</li>
 * </ol>
 */
public final class RequestProfiler {

    /** Parameters the gateway itself handles; no profile restricts them. */
    private static final Set<String> ALWAYS_ACCEPTED = Set.of("model", "messages", "stream", "stream_options");
    /** Every parameter the gateway knows by name: the JSON names of {@link ChatCompletionRequest}'s fields. */
    static final Set<String> KNOWN = knownParameters();

    private final JsonMapper json;

    public RequestProfiler(JsonMapper json) {
        this.json = json;
    }

    /**
     * Checks the request and completes its JSON in place: {@code body} is the client's body (the JSON {@code request}
     * was read from), changed only where the profile drops a parameter or fills a default, so that what goes upstream
     * keeps the client's fields and their order.
     *
     * @param request        the typed request, read from {@code body}
     * @param body           the client's JSON, changed in place
     * @param routeDefaults  defaults of the route, over the profile's
     * @param contextLength  the model's context length in tokens, or null when unknown
     * @return the completed request (read again from {@code body} only when something changed) and what was dropped
     */
    public Profiled apply(
            ChatCompletionRequest request,
            ObjectNode body,
            ParameterProfile profile,
            Map<String, JsonNode> routeDefaults,
            @Nullable Integer contextLength) {
        List<String> dropped = new ArrayList<>();
        boolean changed = false;
        for (String name : new ArrayList<>(body.propertyNames())) {
            if (ALWAYS_ACCEPTED.contains(name) || !KNOWN.contains(name)) {
                continue;
            }
            JsonNode value = body.get(name);
            ParameterRule rule = profile.parameters().get(name);
            if (rule == null) {
                ParameterProfile.UnsupportedPolicy policy = profile.policyFor(name);
                if (policy == ParameterProfile.UnsupportedPolicy.PASS) {
                    continue;
                }
                if (value.isNull()) {
                    // an explicit null asks for nothing: removed without a word, whatever the policy
                    body.remove(name);
                    changed = true;
                } else if (policy == ParameterProfile.UnsupportedPolicy.DROP) {
                    body.remove(name);
                    dropped.add(name);
                    changed = true;
                } else {
                    throw InvalidRequestException.invalidParameter(
                            name,
                            "The parameter '" + name + "' is not supported by the model '" + request.model()
                                    + "' (profile " + profile.name() + ").");
                }
                continue;
            }
            check(name, value, rule, body);
        }
        if (profile.maxCompletionTokensWins()
                && hasValue(body, "max_completion_tokens")
                && hasValue(body, "max_tokens")) {
            body.set("max_tokens", body.get("max_completion_tokens"));
            changed = true;
        }
        changed |= fillDefaults(body, profile, routeDefaults);
        checkMessages(request, profile.messages());
        checkToolChoice(body);
        if (contextLength != null) {
            checkMaxTokens(body, contextLength);
        }
        // the tree goes back into a record only when something changed: most requests pass as they came
        ChatCompletionRequest completed = changed ? json.treeToValue(body, ChatCompletionRequest.class) : request;
        return new Profiled(completed, dropped);
    }

    private static boolean hasValue(ObjectNode body, String name) {
        return !isMissing(body, name);
    }

    /** Whether the gateway knows this parameter by name (a typo in a profile or route default is not). */
    public static boolean isKnownParameter(String name) {
        return KNOWN.contains(name) || ALWAYS_ACCEPTED.contains(name);
    }

    private static void check(String name, JsonNode value, ParameterRule rule, ObjectNode body) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!rule.type().accepts(value)) {
            throw InvalidRequestException.invalidParameter(
                    name,
                    "Invalid type for '" + name + "': expected " + rule.type().description() + ".");
        }
        if (rule.type() == ParamType.RAG_PARAMS) {
            RagParamsShape.check(value);
        }
        if (value.isNumber()) {
            double number = value.doubleValue(Double.NaN);
            if (!Double.isFinite(number)
                    || (rule.min() != null && number < rule.min())
                    || (rule.max() != null && number > rule.max())) {
                throw InvalidRequestException.invalidParameter(
                        name,
                        "Invalid value for '" + name + "': " + plain(value) + " is out of range; it must be "
                                + rule.range() + ".");
            }
        }
        if (rule.maxItems() != null && value.size() > rule.maxItems() && (value.isArray() || value.isObject())) {
            throw InvalidRequestException.invalidParameter(
                    name,
                    "'" + name + "' has " + value.size() + " items; at most " + rule.maxItems() + " are allowed.");
        }
        Double valueMin = rule.valueMin();
        Double valueMax = rule.valueMax();
        if ((valueMin != null || valueMax != null) && value.isObject()) {
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                double number = entry.getValue().doubleValue(Double.NaN);
                if (!Double.isFinite(number)
                        || (valueMin != null && number < valueMin)
                        || (valueMax != null && number > valueMax)) {
                    throw InvalidRequestException.invalidParameter(
                            name,
                            "Invalid value for '" + name + "[" + entry.getKey() + "]': it must be "
                                    + valueRange(valueMin, valueMax) + ".");
                }
            }
        }
        if (rule.requires() != null) {
            JsonNode required = body.get(rule.requires());
            if (required == null || !required.isBoolean() || !required.booleanValue()) {
                throw InvalidRequestException.invalidParameter(
                        name, "'" + name + "' requires '" + rule.requires() + "' to be true.");
            }
        }
    }

    private static String plain(JsonNode number) {
        double value = number.doubleValue(Double.NaN);
        if (number.isIntegralNumber() || !Double.isFinite(value)) {
            String text = number.toString();
            return text.length() > 30 ? text.substring(0, 27) + "..." : text;
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Fills what the request left out, route defaults first; whether anything was filled. */
    private static boolean fillDefaults(
            ObjectNode body, ParameterProfile profile, Map<String, JsonNode> routeDefaults) {
        boolean filled = false;
        if (routeDefaults != null) {
            for (Map.Entry<String, JsonNode> entry : routeDefaults.entrySet()) {
                if (isMissing(body, entry.getKey())) {
                    body.set(entry.getKey(), entry.getValue());
                    filled = true;
                }
            }
        }
        for (Map.Entry<String, ParameterRule> entry : profile.parameters().entrySet()) {
            String name = entry.getKey();
            JsonNode defaultValue = entry.getValue().defaultValue();
            if (defaultValue == null
                    || !isMissing(body, name)
                    || (name.equals("max_tokens") && hasValue(body, "max_completion_tokens"))) {
                continue;
            }
            body.set(name, defaultValue);
            filled = true;
        }
        return filled;
    }

    /** A rule's range of entry values in words: "between -100 and 100", "at least 0", "at most 1". */
    private static String valueRange(@Nullable Double min, @Nullable Double max) {
        if (min != null && max != null) {
            return "between " + ParameterRule.format(min) + " and " + ParameterRule.format(max);
        }
        if (min != null) {
            return "at least " + ParameterRule.format(min);
        }
        return max != null ? "at most " + ParameterRule.format(max) : "any number";
    }

    private static boolean isMissing(ObjectNode body, String name) {
        return !body.has(name) || body.get(name).isNull();
    }

    private static void checkMessages(ChatCompletionRequest request, MessageRules rules) {
        var messages = Objects.requireNonNull(request.messages(), "messages: checked before the profile");
        boolean seenUser = false;
        String expected = "user";
        boolean inPrefix = true;
        for (int i = 0; i < messages.size(); i++) {
            String role = messages.get(i).role();
            String param = "messages[" + i + "].role";
            if (!rules.roles().isEmpty() && !rules.roles().contains(role)) {
                throw InvalidRequestException.invalidParameter(
                        param,
                        "The role '" + role + "' is not supported by this model; allowed roles: "
                                + String.join(", ", new TreeSet<>(rules.roles())) + ".");
            }
            if ("system".equals(role) && rules.systemFirstOnly() && i != 0) {
                throw InvalidRequestException.invalidParameter(
                        param, "A system message must be the very first message.");
            }
            if ("context".equals(role) && rules.contextBeforeFirstUser() && seenUser) {
                throw InvalidRequestException.invalidParameter(
                        param, "Context messages must come before the first user message.");
            }
            if ("user".equals(role)) {
                seenUser = true;
            }
            if (rules.alternating()) {
                boolean prefixRole = "system".equals(role) || "context".equals(role);
                if (prefixRole && inPrefix) {
                    continue;
                }
                inPrefix = false;
                if (!expected.equals(role)) {
                    throw InvalidRequestException.invalidParameter(
                            param,
                            "Roles must alternate between user and assistant, starting with user; expected '" + expected
                                    + "' but got '" + role + "'.");
                }
                expected = expected.equals("user") ? "assistant" : "user";
            }
        }
        if (rules.lastRole() != null
                && !messages.isEmpty()
                && !rules.lastRole().equals(messages.get(messages.size() - 1).role())) {
            throw InvalidRequestException.invalidParameter(
                    "messages[" + (messages.size() - 1) + "].role",
                    "The last message must have the role '" + rules.lastRole() + "'.");
        }
    }

    /** A {@code tool_choice} that names a function must name one of {@code tools}. */
    private static void checkToolChoice(ObjectNode body) {
        JsonNode choice = body.get("tool_choice");
        if (choice == null || !choice.isObject()) {
            return;
        }
        String name = choice.path("function").path("name").asString(null);
        if (name == null) {
            return;
        }
        Set<String> declared = new LinkedHashSet<>();
        for (JsonNode tool : body.path("tools")) {
            declared.add(tool.path("function").path("name").asString(""));
        }
        if (!declared.contains(name)) {
            throw InvalidRequestException.invalidParameter(
                    "tool_choice",
                    "tool_choice names the function '" + name + "', which is not among the request's tools.");
        }
    }

    private static void checkMaxTokens(ObjectNode body, int contextLength) {
        boolean completionTokens = hasValue(body, "max_completion_tokens");
        JsonNode limit = completionTokens ? body.get("max_completion_tokens") : body.get("max_tokens");
        if (limit == null || !limit.isNumber()) {
            return;
        }
        String param = completionTokens ? "max_completion_tokens" : "max_tokens";
        if (!limit.canConvertToInt() || limit.intValue() >= contextLength - 1) {
            throw InvalidRequestException.invalidParameter(
                    param,
                    "Invalid value for '" + param + "': it must be in [1, " + (contextLength - 1)
                            + ") for a context length of " + contextLength + " tokens.");
        }
    }

    /**
     * Checks that the prompt, counted with the tokenizer, plus the completion allowance of the completed request fits
     * in the model's context length: a 400 naming {@code max_tokens} (or {@code max_completion_tokens}) otherwise.
     */
    public static void checkPromptFits(ChatCompletionRequest completed, int promptTokens, int contextLength) {
        boolean completionTokens = completed.maxCompletionTokens() != null;
        Integer max = completionTokens ? completed.maxCompletionTokens() : completed.maxTokens();
        if (max == null) {
            return;
        }
        String param = completionTokens ? "max_completion_tokens" : "max_tokens";
        if ((long) promptTokens + max > contextLength) {
            throw InvalidRequestException.invalidParameter(
                    param,
                    "The prompt (about " + promptTokens + " tokens) plus '" + param + "' (" + max
                            + ") exceeds the model's context length of " + contextLength + " tokens.");
        }
    }

    private static Set<String> knownParameters() {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent component : ChatCompletionRequest.class.getRecordComponents()) {
            if (component.getName().equals("extra")) {
                continue;
            }
            // @JsonProperty does not target record components; it is found on the generated accessor
            JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
            names.add(property != null ? property.value() : component.getName());
        }
        return Set.copyOf(names);
    }

    /** A request completed by its profile, and the parameters removed from it. */
    public record Profiled(ChatCompletionRequest request, List<String> dropped) {

        public Profiled {
            dropped = List.copyOf(dropped);
        }
    }
}
