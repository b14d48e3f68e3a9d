package io.llmgateway.core.profile;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The shape of {@code rag_params}, which the seed page leaves open and the gateway defines:
 * <pre>{"vector_store_ids": ["vs_..."], "max_num_results": 4, "score_threshold": 0.0,
 *  "filters": {"type": "eq", "key": "team", "value": "finance"}, "include_sources": true}</pre>
 * {@code vector_store_ids} holds 1 to 8 ids; {@code max_num_results} is 1 to 20; {@code score_threshold} 0 to 1;
 * {@code filters} is OpenAI's comparison ({@code eq ne gt gte lt lte}) or compound ({@code and or}) filter.
 * A violation is a 400 naming the field, e.g. {@code rag_params.max_num_results}.
 */
public final class RagParamsShape {

    private static final Set<String> FIELDS =
            Set.of("vector_store_ids", "max_num_results", "score_threshold", "filters", "include_sources");
    private static final Set<String> COMPARISONS = Set.of("eq", "ne", "gt", "gte", "lt", "lte");
    private static final Set<String> COMPOUNDS = Set.of("and", "or");

    private RagParamsShape() {
    }

    public static void check(JsonNode rag) {
        if (rag == null || rag.isNull()) {
            return;
        }
        if (!rag.isObject()) {
            throw invalid("rag_params", "'rag_params' must be an object or null.");
        }
        for (Map.Entry<String, JsonNode> field : rag.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw invalid("rag_params." + field.getKey(), "Unknown field 'rag_params." + field.getKey()
                        + "'; allowed: " + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ".");
            }
        }
        JsonNode ids = rag.get("vector_store_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > 8) {
            throw invalid("rag_params.vector_store_ids",
                    "'rag_params.vector_store_ids' must list 1 to 8 vector store ids.");
        }
        for (JsonNode id : ids) {
            if (!id.isString() || id.stringValue().isBlank()) {
                throw invalid("rag_params.vector_store_ids", "'rag_params.vector_store_ids' must hold strings.");
            }
        }
        JsonNode max = rag.get("max_num_results");
        if (max != null && !max.isNull() && (!max.isIntegralNumber() || max.intValue() < 1 || max.intValue() > 20)) {
            throw invalid("rag_params.max_num_results",
                    "'rag_params.max_num_results' must be an integer between 1 and 20.");
        }
        JsonNode threshold = rag.get("score_threshold");
        if (threshold != null && !threshold.isNull()
                && (!threshold.isNumber() || threshold.doubleValue() < 0 || threshold.doubleValue() > 1)) {
            throw invalid("rag_params.score_threshold",
                    "'rag_params.score_threshold' must be a number between 0 and 1.");
        }
        JsonNode include = rag.get("include_sources");
        if (include != null && !include.isNull() && !include.isBoolean()) {
            throw invalid("rag_params.include_sources", "'rag_params.include_sources' must be a boolean.");
        }
        JsonNode filters = rag.get("filters");
        if (filters != null && !filters.isNull()) {
            checkFilter(filters, "rag_params.filters");
        }
    }

    private static void checkFilter(JsonNode filter, String path) {
        if (!filter.isObject() || !filter.path("type").isString()) {
            throw invalid(path, "'" + path + "' must be a filter object with a 'type'.");
        }
        String type = filter.get("type").stringValue();
        if (COMPARISONS.contains(type)) {
            JsonNode value = filter.get("value");
            if (!filter.path("key").isString() || value == null
                    || !(value.isString() || value.isNumber() || value.isBoolean())) {
                throw invalid(path, "A '" + type + "' filter needs a string 'key' and a string, number or"
                        + " boolean 'value'.");
            }
        } else if (COMPOUNDS.contains(type)) {
            JsonNode filters = filter.get("filters");
            if (filters == null || !filters.isArray() || filters.isEmpty()) {
                throw invalid(path, "An '" + type + "' filter needs a non-empty 'filters' list.");
            }
            for (int i = 0; i < filters.size(); i++) {
                checkFilter(filters.get(i), path + ".filters[" + i + "]");
            }
        } else {
            throw invalid(path, "Unknown filter type '" + type + "'; use eq, ne, gt, gte, lt, lte, and or or.");
        }
    }

    private static InvalidRequestException invalid(String param, String message) {
        return InvalidRequestException.invalidParameter(param, message);
    }
}
