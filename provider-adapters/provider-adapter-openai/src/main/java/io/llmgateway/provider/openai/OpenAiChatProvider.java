package io.llmgateway.provider.openai;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.provider.openai.internal.StreamTimeout;
import io.llmgateway.provider.openai.internal.TransportErrors;
import io.llmgateway.provider.openai.internal.UpstreamErrorParser;
import io.llmgateway.provider.openai.sse.SseDecoder;
import io.llmgateway.provider.openai.sse.SseEvent;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment that speaks OpenAI's chat-completions API: OpenAI itself, NVIDIA's hosted API, vLLM-class engines.
 *
 * <p>Streams are decoded event by event as bytes arrive and each chunk is emitted at once. Cancelling the
 * returned {@link Flux} closes the upstream connection. Every failure is an {@link UpstreamException}.
 */
public class OpenAiChatProvider implements ChatProvider {

    private static final String CHAT_PATH = "/chat/completions";

    private final Deployment deployment;
    private final URI chatUri;
    private final WebClient client;
    private final JsonMapper json;
    private final UpstreamErrorParser errors;

    public OpenAiChatProvider(Deployment deployment, WebClient client, JsonMapper json) {
        this.deployment = deployment;
        this.chatUri = OpenAiProviderFactory.endpoint(deployment, CHAT_PATH);
        this.client = client;
        this.json = json;
        this.errors = new UpstreamErrorParser(json);
    }

    public Deployment deployment() {
        return deployment;
    }

    @Override
    public Mono<ChatCompletion> complete(ChatCompletionRequest request) {
        return post(request)
                .exchangeToMono(response -> response.statusCode().isError()
                        ? errors.fromResponse(deployment.name(), response).flatMap(Mono::error)
                        : response.bodyToMono(byte[].class).map(this::readCompletion))
                .timeout(deployment.timeouts().firstByte())
                .onErrorMap(error -> TransportErrors.map(deployment, error, false));
    }

    @Override
    public Flux<ChatCompletionChunk> stream(ChatCompletionRequest request) {
        return Flux.defer(() -> {
            AtomicBoolean started = new AtomicBoolean();
            return post(request)
                    .accept(MediaType.TEXT_EVENT_STREAM)
                    .exchangeToFlux(response -> response.statusCode().isError()
                            ? errors.fromResponse(deployment.name(), response).flatMapMany(Flux::error)
                            : SseDecoder.decode(response.bodyToFlux(DataBuffer.class)))
                    .takeWhile(event -> !event.isDone())
                    .map(this::readChunk)
                    .transform(StreamTimeout.of(deployment.timeouts().firstByte(),
                            deployment.timeouts().betweenChunks()))
                    .doOnNext(chunk -> started.set(true))
                    .onErrorMap(error -> TransportErrors.map(deployment, error, started.get()));
        });
    }

    private WebClient.RequestBodySpec post(ChatCompletionRequest request) {
        WebClient.RequestBodySpec spec = client.post()
                .uri(chatUri)
                .contentType(MediaType.APPLICATION_JSON);
        if (deployment.apiKey().isPresent()) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, "Bearer " + deployment.apiKey().reveal());
        }
        byte[] body = json.writeValueAsBytes(request);
        return (WebClient.RequestBodySpec) spec.bodyValue(body);
    }

    private ChatCompletion readCompletion(byte[] body) {
        try {
            return json.readValue(body, ChatCompletion.class);
        } catch (JacksonException e) {
            throw UpstreamException.invalidResponse(deployment.name(), "the body is not a chat completion");
        }
    }

    /**
     * An event's chunk, read straight from its UTF-8 bytes into the record: one pass per event, with no text in
     * between. An error event ({@code event: error}, or an {@code error} field), or data that is not a chunk, goes
     * the slow way, which says what was wrong.
     */
    private ChatCompletionChunk readChunk(SseEvent event) {
        if (!"error".equals(event.event())) {
            ChatCompletionChunk chunk = null;
            try {
                chunk = json.readValue(event.utf8Data(), ChatCompletionChunk.class);
            } catch (JacksonException e) {
                // readChunkFromTree below names the failure
            }
            if (chunk != null && !chunk.extra().containsKey("error")) {
                return chunk;
            }
        }
        return readChunkFromTree(event);
    }

    private ChatCompletionChunk readChunkFromTree(SseEvent event) {
        JsonNode node;
        try {
            node = json.readTree(event.utf8Data());
        } catch (JacksonException e) {
            throw UpstreamException.invalidResponse(deployment.name(), "an event's data is not JSON");
        }
        if (node.has("error") || "error".equals(event.event())) {
            throw errors.fromStreamEvent(deployment.name(), node);
        }
        try {
            return json.treeToValue(node, ChatCompletionChunk.class);
        } catch (JacksonException e) {
            throw UpstreamException.invalidResponse(deployment.name(), "an event is not a chat.completion.chunk");
        }
    }
}
