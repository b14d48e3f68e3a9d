package io.llmgateway.provider.openai;

import io.llmgateway.core.answer.AnswerScanner;
import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.core.provider.UpstreamWait;
import io.llmgateway.provider.openai.internal.BoundedBody;
import io.llmgateway.provider.openai.internal.StreamTimeout;
import io.llmgateway.provider.openai.internal.TransportErrors;
import io.llmgateway.provider.openai.internal.UpstreamErrorParser;
import io.llmgateway.provider.openai.sse.SseDecoder;
import io.llmgateway.provider.openai.sse.SseEvent;
import io.llmgateway.provider.openai.sse.SseTooLargeException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment that speaks OpenAI's chat-completions API: OpenAI itself, NVIDIA's hosted API, vLLM-class engines.
 *
 * <p>It calls the upstream with Reactor Netty's {@link HttpClient} directly, on the deployment's connection pool:
 * this is the gateway's hottest path, and {@code WebClient}'s request and response wrappers cost allocations on
 * every call. The request body is the call's JSON as it is; answers are scanned, not parsed into objects
 * ({@link AnswerScanner}), and passed on as the upstream's bytes. Streams are decoded event by event as bytes arrive
 * and each chunk is emitted at once. Cancelling the returned {@link Flux} closes the upstream connection. Every
 * failure is an {@link UpstreamException}.
 */
public class OpenAiChatProvider implements ChatProvider {

    private static final String CHAT_PATH = "/chat/completions";
    private static final String MODELS_PATH = "/models";

    private final Deployment deployment;
    private final URI chatUri;
    private final URI modelsUri;
    private final HttpClient completions;
    private final HttpClient streams;
    private final int maxResponseBytes;
    private final int maxEventBytes;
    private final Supplier<UpstreamException> tooLarge;
    private final JsonMapper json;
    private final AnswerScanner scanner;
    private final UpstreamErrorParser errors;

    /**
     * @param client           the deployment's client, on its connection pool
     * @param maxResponseBytes the largest answer (or error body) read into memory, and the longest stream
     * @param maxEventBytes    the longest line or event of a stream
     */
    public OpenAiChatProvider(
            Deployment deployment, HttpClient client, int maxResponseBytes, int maxEventBytes, JsonMapper json) {
        this.deployment = deployment;
        this.chatUri = OpenAiProviderFactory.endpoint(deployment, CHAT_PATH);
        this.modelsUri = OpenAiProviderFactory.endpoint(deployment, MODELS_PATH);
        // the headers every call carries, set once: a client's configuration is copied each time it is changed
        this.completions = client.headers(headers -> {
            headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            if (deployment.apiKey().isPresent()) {
                headers.set(
                        HttpHeaderNames.AUTHORIZATION,
                        "Bearer " + deployment.apiKey().reveal());
            }
        });
        this.streams = completions.headers(headers -> headers.set(HttpHeaderNames.ACCEPT, "text/event-stream"));
        this.maxResponseBytes = maxResponseBytes;
        this.maxEventBytes = maxEventBytes;
        String tooLargeDetail = "the answer is larger than " + maxResponseBytes + " bytes";
        this.tooLarge = () -> UpstreamException.invalidResponse(deployment.name(), tooLargeDetail);
        this.json = json;
        this.scanner = new AnswerScanner(json);
        this.errors = new UpstreamErrorParser(json);
    }

    public Deployment deployment() {
        return deployment;
    }

    @Override
    public Mono<ScannedAnswer> complete(UpstreamCall call) {
        return completions
                .post()
                .uri(chatUri)
                .send(body(call))
                .response((response, body) -> isError(response)
                        ? error(response, body)
                        : read(response, body).map(this::readCompletion))
                .singleOrEmpty()
                .timeout(deployment.timeouts().firstByte())
                .onErrorMap(error -> TransportErrors.map(deployment, error, false));
    }

    /**
     * {@code GET /models} on the deployment's pool, its answer read and dropped: every OpenAI-compatible API has it,
     * and it costs no tokens.
     */
    @Override
    public Mono<Void> keepWarm() {
        return completions
                .get()
                .uri(modelsUri)
                .responseSingle((response, body) -> body.then())
                .timeout(deployment.timeouts().firstByte())
                .onErrorResume(error -> Mono.empty());
    }

    @Override
    public Flux<ScannedAnswer> stream(UpstreamCall call) {
        return Flux.defer(() -> {
            AtomicBoolean started = new AtomicBoolean();
            return streams.post()
                    .uri(chatUri)
                    .send(body(call))
                    .response((response, body) -> isError(response)
                            ? this.<SseEvent>error(response, body).flux()
                            : SseDecoder.decode(body, maxEventBytes, maxResponseBytes))
                    .takeWhile(event -> !event.isDone())
                    .map(this::readChunk)
                    .transform(StreamTimeout.of(
                            deployment.timeouts().firstByte(),
                            deployment.timeouts().betweenChunks()))
                    .doOnNext(chunk -> started.set(true))
                    .onErrorMap(
                            SseTooLargeException.class,
                            tooLong -> UpstreamException.invalidResponse(
                                    deployment.name(), String.valueOf(tooLong.getMessage())))
                    .onErrorMap(error -> TransportErrors.map(deployment, error, started.get()));
        });
    }

    /**
     * Sends the call's JSON, written when the call is made (again on a retry), and stamps the call's
     * {@link UpstreamWait} once the connection has taken its last byte: from then on the time is the upstream's.
     */
    private BiFunction<HttpClientRequest, NettyOutbound, Publisher<Void>> body(UpstreamCall call) {
        UpstreamWait wait = call.upstreamWait();
        return (request, out) -> out.send(
                        Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json.writeValueAsBytes(call.body()))))
                .then(Mono.fromRunnable(wait::sent));
    }

    private static boolean isError(HttpClientResponse response) {
        return response.status().code() >= 400;
    }

    /**
     * The whole answer, at most {@code maxResponseBytes}. An announced length that is not a number (or over 2 GB)
     * counts as none: the limit is then found while the answer is read.
     */
    private Mono<byte[]> read(HttpClientResponse response, ByteBufFlux body) {
        return BoundedBody.read(
                body,
                response.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1),
                maxResponseBytes,
                tooLarge);
    }

    /** An error status: its body and {@code Retry-After} read into the exception the call fails with. */
    private <T> Mono<T> error(HttpClientResponse response, ByteBufFlux body) {
        int status = response.status().code();
        String retryAfter = response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER);
        return read(response, body)
                .onErrorResume(UpstreamException.class, unreadable -> Mono.just(new byte[0]))
                .flatMap(bytes -> Mono.error(errors.fromResponse(deployment.name(), status, bytes, retryAfter)));
    }

    /**
     * The answer, scanned; a 200 whose body is not a chat completion (not a JSON object, no {@code choices}, a choice
     * without a {@code message}) is an invalid response, never a success to pass on and bill.
     */
    private ScannedAnswer readCompletion(byte[] body) {
        ScannedAnswer answer;
        try {
            answer = scanner.scan(body);
        } catch (AnswerScanner.NotAnObjectException e) {
            throw UpstreamException.invalidResponse(deployment.name(), "the body is not a chat completion");
        }
        if (answer.choices() <= 0 || answer.choicesWithMessage() != answer.choices()) {
            throw UpstreamException.invalidResponse(
                    deployment.name(), "the body is not a chat completion (it has no choices with a message)");
        }
        return answer;
    }

    /**
     * An event's chunk, scanned in one pass over its UTF-8 bytes. An error event ({@code event: error}, or an
     * {@code error} field) fails the stream with the upstream's error; data that is not a chunk is an invalid
     * response.
     */
    private ScannedAnswer readChunk(SseEvent event) {
        ScannedAnswer chunk;
        try {
            chunk = scanner.scan(event.utf8Data());
        } catch (AnswerScanner.NotAnObjectException e) {
            throw UpstreamException.invalidResponse(deployment.name(), "an event's data is not JSON");
        }
        if (chunk.isError() || "error".equals(event.event())) {
            JsonNode node = json.readTree(event.utf8Data());
            throw errors.fromStreamEvent(deployment.name(), node);
        }
        if (chunk.choices() < 0 && !chunk.hasUsage()) {
            // neither a list of choices nor a usage
            throw UpstreamException.invalidResponse(deployment.name(), "an event is not a chat.completion.chunk");
        }
        return chunk;
    }
}
