package io.llmgateway.app.pipeline;

import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.protocol.Unmodifiable;
import java.util.Map;

/**
 * What an embedding request got.
 *
 * @param model   the public model id, as the response names it
 * @param result  the vectors
 * @param tokens  the input tokens billed
 * @param headers the response's own headers (rate limits)
 */
public record EmbeddingAnswer(String model, EmbeddingResult result, int tokens, Map<String, String> headers) {

    public EmbeddingAnswer {
        headers = Unmodifiable.map(headers);
    }
}
