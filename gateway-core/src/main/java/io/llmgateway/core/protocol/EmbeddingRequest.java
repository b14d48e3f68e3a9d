package io.llmgateway.core.protocol;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An embedding request as the gateway hands it to a provider.
 *
 * @param model      the model name the upstream expects
 * @param input      the texts, one vector each (1 to 2048)
 * @param dimensions the length of the vectors, for models that can shorten them; null for the model's own
 * @param user       the caller's end-user id, passed on as OpenAI's {@code user}; may be null
 * @param purpose    what the texts are for, when the gateway knows (ingestion, search); null for a client's call
 * @param extra      other body fields the client sent (e.g. NVIDIA's {@code input_type}, {@code truncate}),
 *                   passed on unchanged
 */
public record EmbeddingRequest(
        String model,
        List<String> input,
        @Nullable Integer dimensions,
        @Nullable String user,
        @Nullable EmbeddingPurpose purpose,
        Map<String, JsonNode> extra) {

    public EmbeddingRequest {
        input = List.copyOf(input);
        extra = Unmodifiable.extra(extra);
    }

    /** A request of the gateway's own (ingestion or search): texts and what they are for, nothing else. */
    public static EmbeddingRequest of(String model, List<String> input, EmbeddingPurpose purpose) {
        return new EmbeddingRequest(model, input, null, null, purpose, Map.of());
    }

    public EmbeddingRequest withModel(String upstreamModel) {
        return new EmbeddingRequest(upstreamModel, input, dimensions, user, purpose, extra);
    }
}
