package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A parameter that OpenAI and NIM accept either as one string or as a list of strings ({@code stop}, {@code bad}).
 * It is written back in the form it was read.
 */
public record StringOrList(List<String> values, boolean single) {

    public StringOrList {
        values = List.copyOf(values);
    }

    public static StringOrList of(String value) {
        return new StringOrList(List.of(value), true);
    }

    public static StringOrList of(List<String> values) {
        return new StringOrList(values, false);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static StringOrList fromJson(JsonNode node) {
        if (node.isString()) {
            return of(node.stringValue());
        }
        if (node.isArray()) {
            List<String> values = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                if (!element.isString()) {
                    throw new IllegalArgumentException("expected a string or a list of strings");
                }
                values.add(element.stringValue());
            }
            return of(values);
        }
        throw new IllegalArgumentException("expected a string or a list of strings");
    }

    @JsonValue
    Object toJson() {
        return single ? values.get(0) : values;
    }
}
