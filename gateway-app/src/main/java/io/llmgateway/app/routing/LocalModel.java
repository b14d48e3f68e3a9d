package io.llmgateway.app.routing;

import io.llmgateway.core.provider.EmbeddingProvider;

/**
 * A model the gateway serves itself, in process, routed like a configured one (listed by {@code /v1/models},
 * named in a project's {@code allowed_models}, held to limits and budgets). Its deployment is {@value #DEPLOYMENT}.
 *
 * @param id         the public model id
 * @param ownedBy    shown by {@code GET /v1/models}
 * @param embeddings the in-process embedder
 */
public record LocalModel(String id, String ownedBy, EmbeddingProvider embeddings) {

    /** The deployment name of every in-process model (its circuit breaker and bulkhead, the usage records). */
    public static final String DEPLOYMENT = "local";
}
