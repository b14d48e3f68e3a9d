package io.llmgateway.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.rag.chunk.ChunkingStrategy;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code chunking_strategy}: {@code {"type":"auto"}} ({@link ChunkingStrategy#DEFAULT}, suited to the local
 * embedding model) or {@code {"type":"static","static":{"max_chunk_size_tokens":..,"chunk_overlap_tokens":..}}}
 * with OpenAI's limits.
 */
public record Chunking(boolean auto, int maxChunkSizeTokens, int chunkOverlapTokens) {

    public static final Chunking AUTO = new Chunking(
            true, ChunkingStrategy.DEFAULT.maxChunkSizeTokens(), ChunkingStrategy.DEFAULT.chunkOverlapTokens());

    /** The strategy of a request, or {@code fallback} when absent or null; a bad one is a 400 naming its field. */
    public static @Nullable Chunking parse(@Nullable JsonNode node, String param, @Nullable Chunking fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isObject() || !node.path("type").isString()) {
            throw InvalidRequestException.invalidParameter(
                    param,
                    "'" + param + "' must be {\"type\": \"auto\"} or {\"type\": \"static\", \"static\": {...}}.");
        }
        String type = node.get("type").stringValue();
        if (type.equals("auto")) {
            return AUTO;
        }
        if (!type.equals("static")) {
            throw InvalidRequestException.invalidParameter(
                    param + ".type", "'" + param + ".type' must be 'auto' or 'static'.");
        }
        JsonNode settings = node.get("static");
        if (settings == null || !settings.isObject()) {
            throw InvalidRequestException.invalidParameter(
                    param + ".static",
                    "'" + param + ".static' must be an object with max_chunk_size_tokens and chunk_overlap_tokens.");
        }
        int max = integer(settings, "max_chunk_size_tokens", param);
        int overlap = integer(settings, "chunk_overlap_tokens", param);
        if (max < ChunkingStrategy.MIN_MAX_CHUNK_SIZE_TOKENS || max > ChunkingStrategy.MAX_MAX_CHUNK_SIZE_TOKENS) {
            throw InvalidRequestException.invalidParameter(
                    param + ".static.max_chunk_size_tokens",
                    "'" + param + ".static.max_chunk_size_tokens' must be between "
                            + ChunkingStrategy.MIN_MAX_CHUNK_SIZE_TOKENS + " and "
                            + ChunkingStrategy.MAX_MAX_CHUNK_SIZE_TOKENS + ".");
        }
        if (overlap < 0 || overlap > max / 2) {
            throw InvalidRequestException.invalidParameter(
                    param + ".static.chunk_overlap_tokens",
                    "'" + param + ".static.chunk_overlap_tokens' must be between 0 and half of"
                            + " max_chunk_size_tokens (" + max / 2 + ").");
        }
        return new Chunking(false, max, overlap);
    }

    private static int integer(JsonNode settings, String field, String param) {
        JsonNode value = settings.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw InvalidRequestException.invalidParameter(
                    param + ".static." + field, "'" + param + ".static." + field + "' must be an integer.");
        }
        return value.intValue();
    }

    public ChunkingStrategy strategy() {
        return new ChunkingStrategy(maxChunkSizeTokens, chunkOverlapTokens);
    }

    public String type() {
        return auto ? "auto" : "static";
    }

    /** As OpenAI shows it on a file: always the static sizes that were applied. */
    public JsonNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", "static");
        ObjectNode settings = json.putObject("static");
        settings.put("max_chunk_size_tokens", maxChunkSizeTokens);
        settings.put("chunk_overlap_tokens", chunkOverlapTokens);
        return json;
    }
}
