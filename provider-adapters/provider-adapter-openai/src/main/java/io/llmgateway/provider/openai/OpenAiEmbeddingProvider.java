package io.llmgateway.provider.openai;

import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.provider.openai.internal.TransportErrors;
import io.llmgateway.provider.openai.internal.UpstreamErrorParser;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A deployment that speaks OpenAI's embeddings API ({@code POST /embeddings}): OpenAI itself, NVIDIA's hosted
 * retrieval models, vLLM-class engines.
 *
 * <p>The body is {@code model}, {@code input} (always an array), {@code encoding_format: float}, then
 * {@code dimensions} and {@code user} when given, then the client's other fields as they are; those never replace
 * a field already written. Asymmetric models (NVIDIA's {@code input_type}) are told the request's purpose in the
 * deployment's purpose field, unless the client set that field itself.
 *
 * <p>The answer is parsed as it arrives, straight into {@code float[]}s ({@link EmbeddingResponseReader}), and
 * must be whole within the first-byte timeout. Cancelling closes the upstream connection. Every failure is an
 * {@link io.llmgateway.core.error.UpstreamException}; neither the key nor the texts are logged.
 */
public class OpenAiEmbeddingProvider implements EmbeddingProvider {

    private static final String EMBEDDINGS_PATH = "/embeddings";

    private final Deployment deployment;
    private final WebClient client;
    private final JsonMapper json;
    private final @Nullable String purposeField;
    private final UpstreamErrorParser errors;
    private final URI embeddingsUri;

    /**
     * @param purposeField the body field that carries the request's {@link EmbeddingPurpose} ({@code "query"} or
     *                     {@code "passage"}), e.g. NVIDIA's {@code input_type}; null to send none
     */
    public OpenAiEmbeddingProvider(
            Deployment deployment, WebClient client, JsonMapper json, @Nullable String purposeField) {
        this.deployment = deployment;
        this.embeddingsUri = OpenAiProviderFactory.endpoint(deployment, EMBEDDINGS_PATH);
        this.client = client;
        this.json = json;
        this.purposeField = purposeField;
        this.errors = new UpstreamErrorParser(json);
    }

    public Deployment deployment() {
        return deployment;
    }

    /** The body field that carries the purpose, or null when this deployment sends none. */
    public @Nullable String purposeField() {
        return purposeField;
    }

    @Override
    public Mono<EmbeddingResult> embed(EmbeddingRequest request) {
        return Mono.defer(() -> post(request)
                        .exchangeToMono(response -> response.statusCode().isError()
                                ? errors.fromResponse(deployment.name(), response)
                                        .flatMap(Mono::error)
                                : read(response, request.input().size())))
                .timeout(deployment.timeouts().firstByte())
                .onErrorMap(error -> TransportErrors.map(deployment, error, false));
    }

    private WebClient.RequestHeadersSpec<?> post(EmbeddingRequest request) {
        WebClient.RequestBodySpec spec = client.post()
                .uri(embeddingsUri)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON);
        if (deployment.apiKey().isPresent()) {
            spec = spec.header(
                    HttpHeaders.AUTHORIZATION, "Bearer " + deployment.apiKey().reveal());
        }
        return spec.bodyValue(json.writeValueAsBytes(body(request)));
    }

    ObjectNode body(EmbeddingRequest request) {
        ObjectNode body = json.createObjectNode();
        body.put("model", request.model());
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
        body.put("encoding_format", "float");
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        if (request.user() != null) {
            body.put("user", request.user());
        }
        request.extra().forEach((name, value) -> {
            if (!body.has(name)) {
                body.set(name, value);
            }
        });
        if (purposeField != null && request.purpose() != null && !body.has(purposeField)) {
            body.put(purposeField, request.purpose() == EmbeddingPurpose.QUERY ? "query" : "passage");
        }
        return body;
    }

    private Mono<EmbeddingResult> read(ClientResponse response, int inputs) {
        return Mono.using(
                () -> new EmbeddingResponseReader(json, deployment.name(), inputs),
                // byte[] slices: the codec copies and releases each network buffer itself
                reader -> response.bodyToFlux(byte[].class)
                        .doOnNext(reader::feed)
                        .then(Mono.fromCallable(reader::finish)),
                EmbeddingResponseReader::close);
    }

    @Override
    public String toString() {
        return "OpenAiEmbeddingProvider[" + deployment.name() + "]";
    }
}
