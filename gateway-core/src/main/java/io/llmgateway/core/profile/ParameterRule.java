package io.llmgateway.core.profile;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a profile accepts for one parameter.
 *
 * @param type          the JSON type
 * @param min           smallest value (numbers), or null
 * @param max           largest value (numbers), or null
 * @param defaultValue  filled in when the request leaves the parameter out, or null
 * @param maxItems      most elements (arrays, lists), or null
 * @param valueMin      smallest value of each entry ({@code logit_bias}), or null
 * @param valueMax      largest value of each entry, or null
 * @param requires      a boolean parameter that must be {@code true} when this one is set, or null
 */
public record ParameterRule(
        ParamType type,
        @Nullable Double min,
        @Nullable Double max,
        @Nullable JsonNode defaultValue,
        @Nullable Integer maxItems,
        @Nullable Double valueMin,
        @Nullable Double valueMax,
        @Nullable String requires) {

    public ParameterRule {
        type = type == null ? ParamType.ANY : type;
    }

    /** A rule with only a type. */
    public static ParameterRule of(ParamType type) {
        return new ParameterRule(type, null, null, null, null, null, null, null);
    }

    /** The allowed range in words, for error messages: "between 0 and 1", "at least 1". */
    public String range() {
        if (min != null && max != null) {
            return "between " + format(min) + " and " + format(max);
        }
        if (min != null) {
            return "at least " + format(min);
        }
        if (max != null) {
            return "at most " + format(max);
        }
        return "";
    }

    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
