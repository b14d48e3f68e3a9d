package io.llmgateway.core.profile;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The shape of {@code rag_params}, which the seed page leaves open and the gateway defines:
 * <pre>{"vector_store_ids": ["vs_..."], "max_num_results": 4, "score_threshold": 0.0,
 *  "filters": {"type": "eq", "key": "team", "value": "finance"}, "include_sources": true}</pre>
 * {@code vector_store_ids} holds 1 to 8 ids; {@code max_num_results} is 1 to 20; {@code score_threshold} 0 to 1;
 * {@code filters} is an object in OpenAI's comparison or compound filter shape, whose grammar belongs to the
 * retriever that runs it (the {@code rag} module's {@code Filter}, which names the exact field at fault); here it is
 * only checked to be an object. A violation is a 400 naming the field, e.g. {@code rag_params.max_num_results}.
 */
public final class RagParamsShape {

    private static final Set<String> FIELDS =
            Set.of("vector_store_ids", "max_num_results", "score_threshold", "filters", "include_sources");

    private RagParamsShape() {}

    public static void check(@Nullable JsonNode rag) {
        if (rag == null || rag.isNull()) {
            return;
        }
        if (!rag.isObject()) {
            throw invalid("rag_params", "'rag_params' must be an object or null.");
        }
        for (Map.Entry<String, JsonNode> field : rag.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw invalid(
                        "rag_params." + field.getKey(),
                        "Unknown field 'rag_params." + field.getKey() + "'; allowed: "
                                + String.join(", ", new TreeSet<>(FIELDS)) + ".");
            }
        }
        JsonNode ids = rag.get("vector_store_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > 8) {
            throw invalid(
                    "rag_params.vector_store_ids", "'rag_params.vector_store_ids' must list 1 to 8 vector store ids.");
        }
        for (JsonNode id : ids) {
            if (!id.isString() || id.stringValue().isBlank()) {
                throw invalid("rag_params.vector_store_ids", "'rag_params.vector_store_ids' must hold strings.");
            }
        }
        JsonNode max = rag.get("max_num_results");
        if (max != null
                && !max.isNull()
                && (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1 || max.intValue() > 20)) {
            throw invalid(
                    "rag_params.max_num_results", "'rag_params.max_num_results' must be an integer between 1 and 20.");
        }
        JsonNode threshold = rag.get("score_threshold");
        if (threshold != null
                && !threshold.isNull()
                && !(threshold.isNumber()
                        && threshold.doubleValue(Double.NaN) >= 0
                        && threshold.doubleValue(Double.NaN) <= 1)) {
            throw invalid(
                    "rag_params.score_threshold", "'rag_params.score_threshold' must be a number between 0 and 1.");
        }
        JsonNode include = rag.get("include_sources");
        if (include != null && !include.isNull() && !include.isBoolean()) {
            throw invalid("rag_params.include_sources", "'rag_params.include_sources' must be a boolean.");
        }
        JsonNode filters = rag.get("filters");
        if (filters != null && !filters.isNull() && !filters.isObject()) {
            throw invalid("rag_params.filters", "'rag_params.filters' must be a filter object.");
        }
    }

    private static InvalidRequestException invalid(String param, String message) {
        return InvalidRequestException.invalidParameter(param, message);
    }
}
