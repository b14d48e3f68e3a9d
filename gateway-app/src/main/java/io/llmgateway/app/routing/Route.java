package io.llmgateway.app.routing;

import io.llmgateway.core.provider.ChatProvider;

/**
 * Where a public model id goes.
 *
 * @param modelId       the id the client asked for; every response names it
 * @param deployment    the deployment that serves it
 * @param upstreamModel the name the upstream knows the model by
 * @param ownedBy       shown by {@code GET /v1/models}
 * @param provider      the adapter instance of the deployment
 */
public record Route(String modelId, String deployment, String upstreamModel, String ownedBy, ChatProvider provider) {
}
