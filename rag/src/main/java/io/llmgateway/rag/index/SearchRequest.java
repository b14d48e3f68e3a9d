package io.llmgateway.rag.index;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A search over one or more vector stores.
 *
 * <p>Scores are normalized to 0..1 and {@code scoreThreshold} drops hits below it:
 * <ul>
 *   <li>{@link Mode#HYBRID}: the BM25 and the vector candidates are fused by reciprocal rank fusion,
 *       {@code sum(1 / (60 + rank))} over the two rankings (rank from 1), divided by the best possible value
 *       {@code 2 / 61}. A chunk ranked first by both methods scores 1; a chunk that only one method found scores
 *       at most 0.5. When the request has no vector (or no searchable words) hybrid falls back to the one method
 *       it can run, with that method's score.</li>
 *   <li>{@link Mode#BM25}: BM25 divided by the best BM25 score of the request, so the top hit scores 1.</li>
 *   <li>{@link Mode#VECTOR}: the cosine similarity of the query and chunk vectors, negatives clamped to 0.</li>
 * </ul>
 *
 * @param vectorStoreIds the stores to search, at least one; nothing outside them is ever returned
 * @param queryText the words to search with BM25; may be {@code null} for {@link Mode#VECTOR}
 * @param queryVector the query's embedding, from the same embedder as the chunks; may be {@code null} for
 *     {@link Mode#BM25}
 * @param maxNumResults 1 to {@value #MAX_RESULTS}
 * @param scoreThreshold 0 to 1
 * @param filter an attribute filter, or {@code null}
 * @param mode {@code null} means {@link Mode#HYBRID}
 */
public record SearchRequest(
        List<String> vectorStoreIds,
        @Nullable String queryText,
        float @Nullable [] queryVector,
        int maxNumResults,
        double scoreThreshold,
        @Nullable Filter filter,
        Mode mode) {

    /** The most results one search may ask for. */
    public static final int MAX_RESULTS = 100;

    /** How the chunks are ranked. */
    public enum Mode {
        /** BM25 and vector rankings fused by reciprocal rank fusion; the default. */
        HYBRID,
        /** Words only. */
        BM25,
        /** Embeddings only. */
        VECTOR
    }

    public SearchRequest {
        if (vectorStoreIds == null || vectorStoreIds.isEmpty()) {
            throw new IllegalArgumentException("vectorStoreIds must name at least one vector store");
        }
        vectorStoreIds.forEach(id -> IndexedChunk.requireId(id, "vectorStoreIds[]"));
        vectorStoreIds = List.copyOf(vectorStoreIds);
        if (maxNumResults < 1 || maxNumResults > MAX_RESULTS) {
            throw new IllegalArgumentException("maxNumResults must be between 1 and " + MAX_RESULTS);
        }
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("scoreThreshold must be between 0 and 1");
        }
        mode = mode == null ? Mode.HYBRID : mode;
        boolean hasText = queryText != null && !queryText.isBlank();
        if (mode == Mode.BM25 && !hasText) {
            throw new IllegalArgumentException("a BM25 search needs query text");
        }
        if (mode == Mode.VECTOR && queryVector == null) {
            throw new IllegalArgumentException("a vector search needs a query vector");
        }
        if (mode == Mode.HYBRID && !hasText && queryVector == null) {
            throw new IllegalArgumentException("a hybrid search needs query text or a query vector");
        }
    }

    /** A hybrid search with no threshold and no filter. */
    public static SearchRequest hybrid(
            List<String> vectorStoreIds,
            @Nullable String queryText,
            float @Nullable [] queryVector,
            int maxNumResults) {
        return new SearchRequest(vectorStoreIds, queryText, queryVector, maxNumResults, 0, null, Mode.HYBRID);
    }

    /** The same request with another mode. */
    public SearchRequest withMode(Mode newMode) {
        return new SearchRequest(
                vectorStoreIds,
                queryText,
                queryVector,
                maxNumResults,
                scoreThreshold,
                filter,
                Objects.requireNonNull(newMode, "mode"));
    }

    /** The same request with another filter. */
    public SearchRequest withFilter(Filter newFilter) {
        return new SearchRequest(
                vectorStoreIds, queryText, queryVector, maxNumResults, scoreThreshold, newFilter, mode);
    }

    /** The same request with another threshold. */
    public SearchRequest withScoreThreshold(double threshold) {
        return new SearchRequest(vectorStoreIds, queryText, queryVector, maxNumResults, threshold, filter, mode);
    }
}
