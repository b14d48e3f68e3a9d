package io.llmgateway.rag.embed;

import java.util.List;
import java.util.Objects;

/**
 * The vectors of a batch of texts, in input order, and the tokens the model read, for usage accounting.
 *
 * @param vectors one vector per input text
 * @param inputTokens the tokens of all inputs in the model's own tokenizer
 */
public record Embeddings(List<float[]> vectors, long inputTokens) {

    public Embeddings {
        vectors = List.copyOf(Objects.requireNonNull(vectors, "vectors"));
    }
}
