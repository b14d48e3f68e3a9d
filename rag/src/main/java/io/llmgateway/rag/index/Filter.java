package io.llmgateway.rag.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An attribute filter in OpenAI's shape: a comparison {@code {"type": "eq", "key": "team", "value": "finance"}}
 * ({@code eq ne gt gte lt lte}, plus {@code in} and {@code nin} with a list value) or a compound
 * {@code {"type": "and", "filters": [...]}} ({@code and or}).
 *
 * <p>Semantics, the same in {@link #matches(Map)} and in the index: {@code eq} matches an attribute of the same
 * kind (string, number or boolean) with an equal value, numbers compared as doubles; {@code ne} is the negation
 * of {@code eq}, so it also matches chunks without the attribute; {@code gt gte lt lte} compare numbers
 * numerically and strings lexicographically (ISO dates compare correctly) and never match a missing attribute or
 * another kind; {@code in} is {@code eq} with any of the listed values and {@code nin} its negation.
 */
public sealed interface Filter permits Filter.Comparison, Filter.Compound {

    /** The largest number of comparisons and compounds one filter may hold. */
    int MAX_NODES = 256;

    /** The deepest nesting of compounds. */
    int MAX_DEPTH = 10;

    /** The most values an {@code in} or {@code nin} list may hold. */
    int MAX_LIST_VALUES = 1000;

    /** Whether a chunk with these attributes passes the filter. */
    boolean matches(@Nullable Map<String, Object> attributes);

    /** The comparison operators. */
    enum ComparisonType {
        EQ,
        NE,
        GT,
        GTE,
        LT,
        LTE,
        IN,
        NIN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The compound operators. */
    enum CompoundType {
        AND,
        OR;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A comparison of one attribute with a value.
     *
     * @param value a {@link String}, a {@link Double} or a {@link Boolean}; for {@code in}/{@code nin} a non-empty
     *     list of strings and numbers
     */
    record Comparison(ComparisonType type, String key, Object value) implements Filter {

        public Comparison {
            Objects.requireNonNull(type, "type");
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("a filter key must not be blank");
            }
            value = normalizeValue(type, value);
        }

        private static Object normalizeValue(ComparisonType type, Object value) {
            if (type == ComparisonType.IN || type == ComparisonType.NIN) {
                if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > MAX_LIST_VALUES) {
                    throw new IllegalArgumentException("an '" + type.wireName() + "' filter needs a list of 1 to "
                            + MAX_LIST_VALUES + " strings or numbers");
                }
                List<Object> values = new ArrayList<>(list.size());
                for (Object item : list) {
                    Object scalar = scalar(item);
                    if (!(scalar instanceof String || scalar instanceof Double)) {
                        throw new IllegalArgumentException(
                                "an '" + type.wireName() + "' filter list holds only strings and numbers");
                    }
                    values.add(scalar);
                }
                return List.copyOf(values);
            }
            Object scalar = scalar(value);
            if (scalar == null) {
                throw new IllegalArgumentException("a filter value must be a string, a number or a boolean");
            }
            if (scalar instanceof Boolean && type != ComparisonType.EQ && type != ComparisonType.NE) {
                throw new IllegalArgumentException("'" + type.wireName() + "' does not apply to a boolean value");
            }
            return scalar;
        }

        @Override
        public boolean matches(@Nullable Map<String, Object> attributes) {
            Object actual = attributes == null ? null : scalar(attributes.get(key));
            return switch (type) {
                case EQ -> equal(actual, value);
                case NE -> !equal(actual, value);
                case IN -> ((List<?>) value).stream().anyMatch(v -> equal(actual, v));
                case NIN -> ((List<?>) value).stream().noneMatch(v -> equal(actual, v));
                case GT, GTE, LT, LTE -> {
                    Integer order = compare(actual, value);
                    yield order != null
                            && switch (type) {
                                case GT -> order > 0;
                                case GTE -> order >= 0;
                                case LT -> order < 0;
                                default -> order <= 0;
                            };
                }
            };
        }

        private static boolean equal(@Nullable Object actual, Object expected) {
            return actual != null && actual.equals(expected);
        }

        private static @Nullable Integer compare(@Nullable Object actual, Object expected) {
            if (actual instanceof Double a && expected instanceof Double e) {
                return Double.compare(a, e);
            }
            if (actual instanceof String a && expected instanceof String e) {
                return a.compareTo(e);
            }
            return null;
        }
    }

    /** Several filters joined with {@code and} or {@code or}. */
    record Compound(CompoundType type, List<Filter> filters) implements Filter {

        public Compound {
            Objects.requireNonNull(type, "type");
            if (filters == null || filters.isEmpty()) {
                throw new IllegalArgumentException("a compound filter needs at least one filter");
            }
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(@Nullable Map<String, Object> attributes) {
            return type == CompoundType.AND
                    ? filters.stream().allMatch(f -> f.matches(attributes))
                    : filters.stream().anyMatch(f -> f.matches(attributes));
        }
    }

    /** {@code {"type": "eq", "key": key, "value": value}}. */
    static Filter eq(String key, Object value) {
        return new Comparison(ComparisonType.EQ, key, value);
    }

    /** All of the filters. */
    static Filter and(Filter... filters) {
        return new Compound(CompoundType.AND, List.of(filters));
    }

    /** Any of the filters. */
    static Filter or(Filter... filters) {
        return new Compound(CompoundType.OR, List.of(filters));
    }

    /**
     * The value as the index stores it: strings and booleans as they are, every number as a {@link Double};
     * {@code null} for anything else.
     */
    static @Nullable Object scalar(@Nullable Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Double) {
            return value;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        return null;
    }

    /**
     * A filter from its JSON, with errors naming the path from {@code filters}, e.g.
     * {@code filters.filters[1].type}.
     *
     * @throws InvalidFilterException when the JSON is not a valid filter
     */
    static Filter parse(JsonNode json) {
        return parse(json, "filters");
    }

    /** A filter from its JSON, with errors naming the path from {@code root}, e.g. {@code rag_params.filters}. */
    static Filter parse(JsonNode json, String root) {
        return new FilterParser(root).parse(json);
    }
}
