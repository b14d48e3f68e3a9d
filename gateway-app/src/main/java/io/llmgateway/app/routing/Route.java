package io.llmgateway.app.routing;

import io.llmgateway.app.config.RoutingProperties.ModelType;
import io.llmgateway.app.usage.Price;
import io.llmgateway.core.profile.ParameterProfile;
import io.llmgateway.core.protocol.Unmodifiable;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.tokens.TokenCounter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Where a public model id goes: one or more weighted deployments, then fallback model ids.
 *
 * @param modelId       the id the client asked for; every response names it
 * @param ownedBy       shown by {@code GET /v1/models}
 * @param type          chat or embedding: which endpoint serves the model
 * @param profile       the parameter contract of a chat model; null for an embedding model
 * @param contextLength the context length in tokens, or null when not configured
 * @param defaults      the route's parameter defaults, over the profile's
 * @param targets       the deployments that serve it, with their weights
 * @param fallbacks     model ids tried in order when every target fails
 * @param price         what its tokens cost
 * @param tokenizer     counts its prompts before a call, and its usage when an upstream reports none
 *                      ({@code gateway.models[i].tokenizer}, loaded at start-up)
 */
public record Route(
        String modelId,
        String ownedBy,
        ModelType type,
        @Nullable ParameterProfile profile,
        @Nullable Integer contextLength,
        Map<String, JsonNode> defaults,
        List<Target> targets,
        List<String> fallbacks,
        Price price,
        TokenCounter tokenizer) {

    public Route {
        defaults = Unmodifiable.map(defaults);
        targets = List.copyOf(targets);
        fallbacks = List.copyOf(fallbacks);
    }

    public boolean isEmbedding() {
        return type == ModelType.EMBEDDING;
    }

    /** The profile of a chat model; only an embedding model, which never serves a chat completion, has none. */
    public ParameterProfile chatProfile() {
        return Objects.requireNonNull(profile, "a chat model has a profile");
    }

    /**
     * One deployment of a route.
     *
     * @param deployment    the deployment's name: its circuit breaker and bulkhead are named after it
     * @param upstreamModel the name the upstream knows the model by
     * @param provider      the chat adapter instance (null for a model that only embeds in process)
     * @param embeddings    the embeddings adapter instance
     * @param weight        its share of the traffic among the route's targets
     * @param streamUsage   what the deployment reports of a stream's usage when asked
     * @param tokenizer     the tokenizer of the model this target belongs to: what its answers are counted with
     *                      when it reports no usage (a fallback model's target has its own model's)
     */
    public record Target(
            String deployment,
            String upstreamModel,
            @Nullable ChatProvider provider,
            EmbeddingProvider embeddings,
            int weight,
            StreamUsage streamUsage,
            TokenCounter tokenizer) {

        /** The chat adapter; only a model that embeds in process, which never serves a chat completion, has none. */
        public ChatProvider chat() {
            return Objects.requireNonNull(provider, "a deployment's target has a chat adapter");
        }
    }
}
