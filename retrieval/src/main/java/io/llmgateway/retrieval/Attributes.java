package io.llmgateway.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI's limits on {@code metadata} (strings) and file {@code attributes} (strings, numbers, booleans). */
public final class Attributes {

    public static final int MAX_KEYS = 16;
    public static final int MAX_KEY_LENGTH = 64;
    public static final int MAX_STRING_LENGTH = 512;

    private Attributes() {}

    /** {@code metadata}: up to 16 string values; an empty object when absent or null. */
    public static ObjectNode metadata(JsonNode node, String param) {
        ObjectNode checked = object(node, param);
        for (Map.Entry<String, JsonNode> entry : checked.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isString() || value.stringValue().length() > MAX_STRING_LENGTH) {
                throw InvalidRequestException.invalidParameter(
                        param + "." + entry.getKey(),
                        "'" + param + "." + entry.getKey() + "' must be a string of at most " + MAX_STRING_LENGTH
                                + " characters.");
            }
        }
        return checked;
    }

    /** File {@code attributes}: up to 16 strings, numbers or booleans; an empty object when absent or null. */
    public static ObjectNode attributes(JsonNode node, String param) {
        ObjectNode checked = object(node, param);
        for (Map.Entry<String, JsonNode> entry : checked.properties()) {
            JsonNode value = entry.getValue();
            boolean ok = value.isBoolean()
                    || (value.isNumber() && Double.isFinite(value.doubleValue(Double.NaN)))
                    || (value.isString() && value.stringValue().length() <= MAX_STRING_LENGTH);
            if (!ok) {
                throw InvalidRequestException.invalidParameter(
                        param + "." + entry.getKey(),
                        "'" + param + "." + entry.getKey() + "' must be a string of at most " + MAX_STRING_LENGTH
                                + " characters, a number or a boolean.");
            }
        }
        return checked;
    }

    private static ObjectNode object(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!(node instanceof ObjectNode object)) {
            throw InvalidRequestException.invalidParameter(param, "'" + param + "' must be an object.");
        }
        if (object.size() > MAX_KEYS) {
            throw InvalidRequestException.invalidParameter(
                    param, "'" + param + "' may hold at most " + MAX_KEYS + " keys.");
        }
        for (String key : object.propertyNames()) {
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw InvalidRequestException.invalidParameter(
                        param, "The keys of '" + param + "' must be 1 to " + MAX_KEY_LENGTH + " characters.");
            }
        }
        return object.deepCopy();
    }

    /**
     * Attributes as the index returns them, for a response: the index keeps every number as a double (to compare
     * them), so a whole number goes back as the integer it was sent as ({@code 3}, not {@code 3.0}).
     */
    public static Map<String, Object> forResponse(Map<String, Object> attributes) {
        Map<String, Object> out = new LinkedHashMap<>(attributes.size());
        attributes.forEach((key, value) -> out.put(
                key,
                value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53
                        ? (Object) d.longValue()
                        : value));
        return out;
    }
}
