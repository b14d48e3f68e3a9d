package io.llmgateway.app.chat;

import io.llmgateway.app.retrieval.ChatRetrieval;
import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import java.time.Instant;
import java.util.List;

/**
 * The state of one chat-completion request as it travels through the gateway, in one typed object.
 *
 * @param requestId     the id returned in {@code x-request-id}; also the usage record's id
 * @param caller        who is calling, for which user and project
 * @param request       the request completed by its profile: what the upstream receives (before renaming the
 *                      model), without {@code log_prompt}
 * @param droppedParams parameters the profile removed, for {@code x-gateway-dropped-params}
 * @param route         where its model id goes
 * @param receivedAt    when the gateway received it
 * @param startedNanos  {@link System#nanoTime()} when the gateway received it
 * @param promptTokens  the prompt's tokens by the tokenizer (0 until counted)
 * @param logPrompt     {@code log_prompt} was asked (and the project allows it)
 * @param rag           {@code rag_params}, or null when the request asks for no retrieval
 * @param ragResult     what retrieval found and added to {@code request} (whose {@code promptTokens} count it),
 *                      or null before retrieval ran
 */
public record RequestContext(String requestId, Caller caller, ChatCompletionRequest request,
                             List<String> droppedParams, Route route, Instant receivedAt, long startedNanos,
                             int promptTokens, boolean logPrompt, ChatRetrieval.Query rag,
                             ChatRetrieval.Result ragResult) {

    /** This context with the prompt's tokens counted. */
    public RequestContext withPromptTokens(int tokens) {
        return new RequestContext(requestId, caller, request, droppedParams, route, receivedAt, startedNanos, tokens,
                logPrompt, rag, ragResult);
    }

    /** The model id the client asked for; every response names it. */
    public String requestedModel() {
        return route.modelId();
    }
}
