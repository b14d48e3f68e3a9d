package io.llmgateway.app.pipeline;

import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.ChatMessage;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chat-completion request on its way through the pipeline, in one typed object.
 *
 * @param requestId    the id returned in {@code x-request-id}; also the usage record's id
 * @param caller       who is calling, for which user and project
 * @param route        where its model id goes
 * @param request      the request checked and completed by its profile, typed
 * @param body         the same request as the JSON to send: the client's body in the client's order, with what the
 *                     profile dropped removed and its defaults added, without the gateway's own {@code log_prompt}
 *                     and {@code rag_params}; the model is still the public id (each call names its upstream's)
 * @param dropped      parameters the profile removed, for {@code x-gateway-dropped-params}
 * @param receivedAt   when the gateway received it
 * @param startedNanos {@link System#nanoTime()} at the request's first byte
 * @param promptTokens the prompt's tokens by the tokenizer (0 until counted)
 * @param logPrompt    {@code log_prompt} was asked, and the project allows it
 * @param retrieval    the retrieval {@code rag_params} asks for, or null
 * @param rag          the top-level {@code rag} object the answer carries (sources), or null
 */
public record ChatCall(
        String requestId,
        Caller caller,
        Route route,
        ChatCompletionRequest request,
        ObjectNode body,
        List<String> dropped,
        Instant receivedAt,
        long startedNanos,
        int promptTokens,
        boolean logPrompt,
        ChatAugmentation.@Nullable Retrieval retrieval,
        @Nullable JsonNode rag) {

    public ChatCall {
        dropped = List.copyOf(dropped);
    }

    /** This call with the prompt's tokens counted. */
    ChatCall withPromptTokens(int tokens) {
        return new ChatCall(
                requestId,
                caller,
                route,
                request,
                body,
                dropped,
                receivedAt,
                startedNanos,
                tokens,
                logPrompt,
                retrieval,
                rag);
    }

    /** This call with retrieval's passages in its messages (counted again) and the sources to show. */
    ChatCall withAugmented(List<ChatMessage> messages, JsonNode messagesJson, int tokens, @Nullable JsonNode sources) {
        ObjectNode augmented = body.objectNode();
        augmented.setAll(body);
        augmented.set("messages", messagesJson);
        return new ChatCall(
                requestId,
                caller,
                route,
                request.withMessages(messages),
                augmented,
                dropped,
                receivedAt,
                startedNanos,
                tokens,
                logPrompt,
                retrieval,
                sources);
    }

    /** The model id the client asked for; every answer names it. */
    public String publicModel() {
        return route.modelId();
    }

    public boolean streaming() {
        return request.streaming();
    }
}
