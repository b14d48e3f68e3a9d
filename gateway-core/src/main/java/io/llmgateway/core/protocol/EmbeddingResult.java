package io.llmgateway.core.protocol;

import java.util.List;

/**
 * What a provider answered to an embedding request.
 *
 * @param vectors      one vector per input, in input order
 * @param promptTokens the input tokens the provider counted, or null when it did not say
 */
public record EmbeddingResult(List<float[]> vectors, Integer promptTokens) {

    public EmbeddingResult {
        vectors = List.copyOf(vectors);
    }
}
