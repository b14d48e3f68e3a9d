package io.llmgateway.core.protocol;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a provider answered to an embedding request.
 *
 * @param vectors      one vector per input, in input order
 * @param promptTokens the input tokens the provider counted, or null when it did not say
 */
public record EmbeddingResult(
        List<float[]> vectors, @Nullable Integer promptTokens) {

    public EmbeddingResult {
        vectors = List.copyOf(vectors);
    }
}
