package io.llmgateway.rag.index;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A chunk to index: where it comes from, its text, its embedding and its file's attributes.
 *
 * @param vectorStoreId the vector store the file belongs to; searches never cross stores they were not given
 * @param fileId the file the chunk was cut from
 * @param filename the file's name, returned with hits
 * @param chunkIndex the chunk's position in its file, from 0; with the two ids it identifies the chunk
 * @param text the chunk's text, searched with BM25 and returned with hits
 * @param embedding the chunk's vector, or {@code null} to index the chunk for BM25 only; every vector in one
 *     index must have the same length
 * @param attributes the file's attributes for filters: string, number or boolean values (numbers are kept as
 *     doubles); {@code null} for none
 */
public record IndexedChunk(
        String vectorStoreId,
        String fileId,
        String filename,
        int chunkIndex,
        String text,
        float @Nullable [] embedding,
        Map<String, Object> attributes) {

    public IndexedChunk {
        requireId(vectorStoreId, "vectorStoreId");
        requireId(fileId, "fileId");
        Objects.requireNonNull(text, "text");
        if (chunkIndex < 0) {
            throw new IllegalArgumentException("chunkIndex must not be negative");
        }
        filename = filename == null ? "" : filename;
        attributes = normalize(attributes);
    }

    static void requireId(String id, String name) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static Map<String, Object> normalize(@Nullable Map<String, Object> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : attributes.entrySet()) {
            if (entry.getKey() == null || entry.getKey().isBlank()) {
                throw new IllegalArgumentException("attribute keys must not be blank");
            }
            Object value = Filter.scalar(entry.getValue());
            if (value == null) {
                throw new IllegalArgumentException(
                        "attribute '" + entry.getKey() + "' must be a string, a number or a boolean");
            }
            if (value instanceof Double d && !Double.isFinite(d)) {
                throw new IllegalArgumentException("attribute '" + entry.getKey() + "' must be a finite number");
            }
            copy.put(entry.getKey(), value);
        }
        return Collections.unmodifiableMap(copy);
    }
}
