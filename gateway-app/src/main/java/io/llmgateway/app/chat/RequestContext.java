package io.llmgateway.app.chat;

import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import java.util.List;

/**
 * The state of one chat-completion request as it travels through the gateway, in one typed object.
 *
 * @param requestId    the id returned in {@code x-request-id}
 * @param caller       who is calling, for which user and project
 * @param request      the request completed by its profile: what the upstream receives (before renaming the model)
 * @param droppedParams parameters the profile removed, for {@code x-gateway-dropped-params}
 * @param route        where its model id goes
 * @param startedNanos {@link System#nanoTime()} when the gateway received it
 */
public record RequestContext(String requestId, Caller caller, ChatCompletionRequest request,
                             List<String> droppedParams, Route route, long startedNanos) {

    /** The model id the client asked for; every response names it. */
    public String requestedModel() {
        return route.modelId();
    }
}
