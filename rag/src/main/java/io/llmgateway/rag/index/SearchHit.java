package io.llmgateway.rag.index;

import io.llmgateway.core.protocol.Unmodifiable;
import java.util.Map;

/**
 * One chunk found by a search.
 *
 * @param score the normalized relevance from 0 to 1, comparable within one {@link SearchRequest.Mode}; see
 *     {@link SearchRequest} for how each mode computes it
 * @param attributes the file's attributes the chunk was indexed with (numbers as doubles)
 */
public record SearchHit(
        String vectorStoreId,
        String fileId,
        String filename,
        int chunkIndex,
        String text,
        double score,
        Map<String, Object> attributes) {

    public SearchHit {
        attributes = attributes == null ? Map.of() : Unmodifiable.map(attributes);
    }
}
