package io.llmgateway.app.pipeline;

import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/** What the pipeline answers a chat request with, for the HTTP layer to write. */
public sealed interface ChatAnswer {

    /**
     * A {@code chat.completion}.
     *
     * @param headers the response's own headers (rate limits, dropped parameters, the gateway's overhead), asked for
     *                as late as possible: when the response is committed
     * @param json    the body
     */
    record Json(Supplier<Map<String, String>> headers, byte[] json) implements ChatAnswer {}

    /**
     * A stream of {@code chat.completion.chunk} events, each already framed as a server-sent event. The stream has
     * not started: a failure before its first event is an ordinary error answer; the headers are known once the
     * first event is there.
     *
     * @param headers the response's own headers, asked for when the response is committed with its first event
     * @param events  the events, without the final {@code [DONE]}
     */
    record Stream(Supplier<Map<String, String>> headers, Flux<byte[]> events) implements ChatAnswer {}
}
