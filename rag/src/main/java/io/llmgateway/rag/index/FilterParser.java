package io.llmgateway.rag.index;

import io.llmgateway.rag.index.Filter.Comparison;
import io.llmgateway.rag.index.Filter.ComparisonType;
import io.llmgateway.rag.index.Filter.Compound;
import io.llmgateway.rag.index.Filter.CompoundType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** Reads the JSON form, counting nodes and depth so that a hostile filter stays small. */
final class FilterParser {

    private final String root;
    private int nodes;

    FilterParser(String root) {
        this.root = root;
    }

    Filter parse(JsonNode json) {
        return parse(json, root, 0);
    }

    private Filter parse(JsonNode json, String path, int depth) {
        if (++nodes > Filter.MAX_NODES) {
            throw new InvalidFilterException(path, "a filter may hold at most " + Filter.MAX_NODES + " conditions");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidFilterException(path, "must be a filter object");
        }
        JsonNode typeNode = json.get("type");
        if (typeNode == null || !typeNode.isString()) {
            throw new InvalidFilterException(path + ".type", "must be a string");
        }
        String type = typeNode.stringValue();
        switch (type) {
            case "and", "or" -> {
                if (depth >= Filter.MAX_DEPTH) {
                    throw new InvalidFilterException(
                            path, "compound filters nest at most " + Filter.MAX_DEPTH + " deep");
                }
                JsonNode list = json.get("filters");
                if (list == null || !list.isArray() || list.isEmpty()) {
                    throw new InvalidFilterException(path + ".filters", "must be a non-empty list of filters");
                }
                List<Filter> filters = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    filters.add(parse(list.get(i), path + ".filters[" + i + "]", depth + 1));
                }
                return new Compound(CompoundType.valueOf(type.toUpperCase(Locale.ROOT)), filters);
            }
            case "eq", "ne", "gt", "gte", "lt", "lte", "in", "nin" -> {
                ComparisonType comparison = ComparisonType.valueOf(type.toUpperCase(Locale.ROOT));
                JsonNode key = json.get("key");
                if (key == null || !key.isString() || key.stringValue().isBlank()) {
                    throw new InvalidFilterException(path + ".key", "must be a non-empty string");
                }
                Object value = value(json.get("value"), comparison, path + ".value");
                try {
                    return new Comparison(comparison, key.stringValue(), value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidFilterException(
                            path + ".value", Objects.requireNonNullElse(e.getMessage(), "invalid value"));
                }
            }
            default ->
                throw new InvalidFilterException(
                        path + ".type",
                        "unknown filter type '" + clip(type) + "'; use eq, ne, gt, gte, lt, lte, in, nin, and or or");
        }
    }

    private static Object value(JsonNode value, ComparisonType type, String path) {
        if (type == ComparisonType.IN || type == ComparisonType.NIN) {
            if (value == null || !value.isArray() || value.isEmpty()) {
                throw new InvalidFilterException(path, "must be a non-empty list of strings or numbers");
            }
            if (value.size() > Filter.MAX_LIST_VALUES) {
                throw new InvalidFilterException(path, "may hold at most " + Filter.MAX_LIST_VALUES + " values");
            }
            List<Object> values = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (item.isString()) {
                    values.add(item.stringValue());
                } else if (item.isNumber() && Double.isFinite(item.doubleValue(Double.NaN))) {
                    values.add(item.doubleValue());
                } else {
                    throw new InvalidFilterException(path + "[" + i + "]", "must be a string or a number");
                }
            }
            return values;
        }
        if (value == null || value.isNull()) {
            throw new InvalidFilterException(path, "is required: a string, a number or a boolean");
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isNumber()) {
            double number = value.doubleValue(Double.NaN);
            if (!Double.isFinite(number)) {
                throw new InvalidFilterException(path, "must be a finite number");
            }
            return number;
        }
        if (value.isBoolean()) {
            if (type != ComparisonType.EQ && type != ComparisonType.NE) {
                throw new InvalidFilterException(
                        path, "'" + type.wireName() + "' compares numbers or strings, not booleans");
            }
            return value.booleanValue();
        }
        throw new InvalidFilterException(path, "must be a string, a number or a boolean");
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
