package io.llmgateway.rag.embed;

import java.util.List;

/**
 * Turns texts into vectors for the search index. Calls are synchronous and CPU- or I/O-bound: run them on a
 * bounded worker pool, never on an event-loop thread. Implementations are thread-safe.
 */
public interface Embedder extends AutoCloseable {

    /** The model's id as clients see it, e.g. {@code all-minilm-l6-v2}; stored with each vector. */
    String modelId();

    /** The length of every vector. */
    int dimensions();

    /**
     * The vectors of non-blank texts, in input order, with the model's token count.
     *
     * @throws IllegalArgumentException when a text is null or blank
     */
    Embeddings embedWithUsage(List<String> texts);

    /** The vectors of non-blank texts, in input order. */
    default List<float[]> embed(List<String> texts) {
        return embedWithUsage(texts).vectors();
    }

    /** The vector of one non-blank text. */
    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }

    @Override
    default void close() {}
}
