package io.llmgateway.core.provider;

import io.llmgateway.core.answer.ScannedAnswer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One provider deployment, seen by the gateway: a chat completion as one JSON answer or as a stream of chunks, each
 * the upstream's own bytes with what the gateway meters read from them ({@link ScannedAnswer}).
 *
 * <p>The call is already addressed to the upstream's model name. Implementations signal failures as
 * {@link io.llmgateway.core.error.UpstreamException}s (an answer that is not a chat completion, or a chunk that is
 * not a chunk, included), emit chunks as they arrive (no buffering), and release the upstream request when the
 * subscriber cancels.
 */
public interface ChatProvider {

    /** A non-streamed completion: a {@code chat.completion} with at least one choice with a message. */
    Mono<ScannedAnswer> complete(UpstreamCall call);

    /** A streamed completion: its {@code chat.completion.chunk}s; ends after the last one. */
    Flux<ScannedAnswer> stream(UpstreamCall call);

    /**
     * Keeps a pooled connection to the upstream open through a pause in the traffic, with a request that costs no
     * tokens; completes when it is answered, whatever the answer. Nothing for a provider without a connection.
     */
    default Mono<Void> keepWarm() {
        return Mono.empty();
    }
}
