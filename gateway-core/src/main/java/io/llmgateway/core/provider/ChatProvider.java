package io.llmgateway.core.provider;

import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One provider deployment, seen by the gateway: a chat completion as one JSON answer or as a stream of chunks.
 *
 * <p>The request is already addressed to the upstream's model name. Implementations signal failures as
 * {@link io.llmgateway.core.error.UpstreamException}s, emit chunks as they arrive (no buffering), and release the
 * upstream request when the subscriber cancels.
 */
public interface ChatProvider {

    /** A non-streamed completion ({@code stream} is false in the request). */
    Mono<ChatCompletion> complete(ChatCompletionRequest request);

    /** A streamed completion ({@code stream} is true in the request); ends after the last chunk. */
    Flux<ChatCompletionChunk> stream(ChatCompletionRequest request);
}
