package io.llmgateway.app.pipeline;

import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.protocol.Unmodifiable;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Retrieval for a chat request's {@code rag_params}, the gateway's own parameter: the retrieval module provides it,
 * the pipeline runs it between counting the prompt and admission. With {@code gateway.retrieval.enabled=false} there
 * is no retrieval module and the pipeline uses {@link #OFF}.
 */
public interface ChatAugmentation {

    /** Retrieval switched off: every {@code rag_params} is a 400 naming it. */
    ChatAugmentation OFF = (ragParams, caller) -> {
        throw InvalidRequestException.invalidParameter(
                "rag_params",
                "Retrieval is off on this gateway (gateway.retrieval.enabled=false); send the request without"
                        + " 'rag_params'.");
    };

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
