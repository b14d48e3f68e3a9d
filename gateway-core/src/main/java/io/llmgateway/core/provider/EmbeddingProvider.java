package io.llmgateway.core.provider;

import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import reactor.core.publisher.Mono;

/**
 * One provider deployment that turns texts into vectors (OpenAI's {@code /v1/embeddings}).
 *
 * <p>The request is already addressed to the upstream's model name. Implementations answer one vector per input,
 * in input order, signal failures as {@link io.llmgateway.core.error.UpstreamException}s and release the upstream
 * request when the subscriber cancels.
 */
public interface EmbeddingProvider {

    Mono<EmbeddingResult> embed(EmbeddingRequest request);

    /**
     * Refuses, with an {@link io.llmgateway.core.error.InvalidRequestException}, a request this provider knows it
     * cannot serve (a {@code dimensions} its model does not have), before the request is admitted and recorded.
     * Upstream providers leave such checks to the upstream.
     */
    default void check(EmbeddingRequest request) {}
}
