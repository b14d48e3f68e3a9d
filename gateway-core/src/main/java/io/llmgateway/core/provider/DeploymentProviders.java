package io.llmgateway.core.provider;

import java.util.Objects;
import reactor.core.Disposable;

/**
 * What a {@link ProviderType} builds for one deployment: its chat and embedding providers, and what releases the
 * resources they share (a connection pool) when the deployment goes away.
 *
 * @param chat       chat completions
 * @param embeddings embeddings
 * @param resources  disposed once, with the deployment (at shutdown)
 */
public record DeploymentProviders(ChatProvider chat, EmbeddingProvider embeddings, Disposable resources) {

    public DeploymentProviders {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(resources, "resources");
    }

    /** Providers that hold nothing to release. */
    public static DeploymentProviders of(ChatProvider chat, EmbeddingProvider embeddings) {
        return new DeploymentProviders(chat, embeddings, () -> {});
    }
}
