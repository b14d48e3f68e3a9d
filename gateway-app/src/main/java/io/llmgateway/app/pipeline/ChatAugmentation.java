package io.llmgateway.app.pipeline;

import io.llmgateway.auth.Caller;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.protocol.Unmodifiable;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Retrieval for a chat request's {@code rag_params}, the gateway's own parameter: the retrieval module provides it,
 * the pipeline runs it between counting the prompt and admission.
 */
public interface ChatAugmentation {

    /**
     * The retrieval {@code rag_params} asks for; a 400 naming the field, or a 403, when it cannot be served.
     *
     * @param ragParams a non-null {@code rag_params} object
     */
    Retrieval plan(JsonNode ragParams, Caller caller);

    /** A checked retrieval, run once the request is otherwise known to be valid. */
    @FunctionalInterface
    interface Retrieval {

        /**
         * The messages with the passages found added (unchanged when none were), and what the answer shows of them.
         *
         * @param contextRole whether the model's profile has NIM's {@code context} role for passages
         */
        Mono<Augmented> retrieve(String requestId, List<ChatMessage> messages, boolean contextRole);
    }

    /**
     * @param messages the messages to send
     * @param sources  how many passages were added
     * @param rag      the top-level {@code rag} object for the answer ({@code include_sources}), or null
     */
    record Augmented(
            List<ChatMessage> messages,
            int sources,
            @Nullable JsonNode rag) {

        public Augmented {
            messages = Unmodifiable.list(messages);
        }
    }
}
