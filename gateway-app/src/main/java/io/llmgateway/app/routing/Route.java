package io.llmgateway.app.routing;

import io.llmgateway.core.profile.ParameterProfile;
import io.llmgateway.core.provider.ChatProvider;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Where a public model id goes.
 *
 * @param modelId       the id the client asked for; every response names it
 * @param deployment    the deployment that serves it
 * @param upstreamModel the name the upstream knows the model by
 * @param ownedBy       shown by {@code GET /v1/models}
 * @param provider      the adapter instance of the deployment
 * @param profile       the parameter contract of the model
 * @param contextLength the context length in tokens, or null when not configured
 * @param defaults      the route's parameter defaults, over the profile's
 * @param streamUsage   the deployment reports usage on streams when asked
 */
public record Route(String modelId, String deployment, String upstreamModel, String ownedBy, ChatProvider provider,
                    ParameterProfile profile, Integer contextLength, Map<String, JsonNode> defaults,
                    boolean streamUsage) {
}
