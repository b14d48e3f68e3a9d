package io.llmgateway.app.embeddings;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.config.RequestArrival;
import io.llmgateway.app.pipeline.EmbeddingAnswer;
import io.llmgateway.app.pipeline.ModelCallPipeline;
import io.llmgateway.app.pipeline.RequestIds;
import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.BodyReader;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.Unmodifiable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/embeddings} in OpenAI's shape, for every embedding model: the in-process
 * {@code all-minilm-l6-v2} and each configured one ({@code type: embedding}). {@code input} is a string or a list
 * of strings; {@code encoding_format} {@code float} (default) or {@code base64}; {@code dimensions} and
 * {@code user} are passed on, and so is any other field (e.g. NVIDIA's {@code input_type}). Limits, budgets and
 * the usage ledger apply as to chat completions; the response carries {@code x-request-id} and the
 * {@code x-ratelimit-*} headers.
 */
@Tag(name = "Embeddings")
@RestController
public class EmbeddingsController {

    static final int MAX_INPUTS = ModelCallPipeline.MAX_EMBEDDING_INPUTS;
    private static final Set<String> OWN_FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user");

    private final ModelCallPipeline pipeline;

    EmbeddingsController(ModelCallPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Operation(
            operationId = "createEmbedding",
            summary = "Create embeddings",
            description = "From the in-process `all-minilm-l6-v2` or any configured embedding model; held to the"
                    + " project's limits and budgets and recorded in the usage ledger like a chat completion.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true))
    @PostMapping("/v1/embeddings")
    public Mono<EmbeddingList> embeddings(
            Caller caller, @RequestBody(required = false) EmbeddingsBody body, ServerWebExchange exchange) {
        long started = RequestArrival.nanos(exchange);
        EmbeddingsBody request = body == null ? EmbeddingsBody.from(null) : body;
        Route route = pipeline.embeddingRoute(caller, request.model());
        EmbeddingRequest call = new EmbeddingRequest(
                route.modelId(), request.input(), request.dimensions(), request.user(), null, request.extra());
        String requestId = RequestIds.next();
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().set(RequestIds.HEADER, requestId);
        return pipeline.embed(requestId, caller, route, call, started).map(answer -> {
            answer.headers().forEach(response.getHeaders()::set);
            return response(answer, request.base64());
        });
    }

    private static EmbeddingList response(EmbeddingAnswer embedded, boolean base64) {
        List<float[]> vectors = embedded.result().vectors();
        List<EmbeddingData> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            data.add(new EmbeddingData("embedding", i, base64 ? base64(vectors.get(i)) : vectors.get(i)));
        }
        return new EmbeddingList(
                "list", data, embedded.model(), new EmbeddingUsage(embedded.tokens(), embedded.tokens()));
    }

    /** Little-endian float32 bytes in base64, as OpenAI encodes them. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * The body of {@code POST /v1/embeddings}, checked in its factory in the order OpenAI reports: {@code model},
     * {@code input}, {@code dimensions}, {@code user}, {@code encoding_format}.
     *
     * @param model      the model id the client asked for
     * @param input      the texts, 1 to {@value #MAX_INPUTS}, none blank
     * @param dimensions the length of the vectors, or null for the model's own
     * @param user       the end-user id, or null
     * @param base64     whether {@code encoding_format} is {@code base64} (else {@code float})
     * @param extra      the fields the gateway does not interpret, in the client's order, passed on unchanged
     */
    @JsonDeserialize(using = EmbeddingsBody.Reader.class)
    public record EmbeddingsBody(
            String model,
            List<String> input,
            @Nullable Integer dimensions,
            @Nullable String user,
            boolean base64,
            Map<String, JsonNode> extra) {

        public EmbeddingsBody {
            input = List.copyOf(input);
            extra = Unmodifiable.extra(extra);
        }

        static EmbeddingsBody from(@Nullable JsonNode body) {
            if (!(body instanceof ObjectNode request)) {
                throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
            }
            JsonNode modelNode = request.get("model");
            if (modelNode == null
                    || !modelNode.isString()
                    || modelNode.stringValue().isBlank()) {
                throw InvalidRequestException.invalidParameter("model", "Missing required parameter: 'model'.");
            }
            return new EmbeddingsBody(
                    modelNode.stringValue(),
                    inputs(request.get("input")),
                    dimensions(request.get("dimensions")),
                    user(request.get("user")),
                    base64(request.get("encoding_format")),
                    extra(request));
        }

        private static List<String> inputs(JsonNode node) {
            List<String> inputs = new ArrayList<>();
            if (node != null && node.isString()) {
                inputs.add(node.stringValue());
            } else if (node != null && node.isArray() && !node.isEmpty() && node.size() <= MAX_INPUTS) {
                for (JsonNode item : node) {
                    if (!item.isString()) {
                        throw InvalidRequestException.invalidParameter(
                                "input",
                                "'input' must be a string or a list of" + " strings; token arrays are not supported.");
                    }
                    inputs.add(item.stringValue());
                }
            } else {
                throw InvalidRequestException.invalidParameter(
                        "input", "'input' must be a string or a list of 1 to " + MAX_INPUTS + " strings.");
            }
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).isBlank()) {
                    throw InvalidRequestException.invalidParameter(
                            node.isArray() ? "input[" + i + "]" : "input", "'input' must not be empty.");
                }
            }
            return inputs;
        }

        private static @Nullable Integer dimensions(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1) {
                throw InvalidRequestException.invalidParameter(
                        "dimensions", "'dimensions' must be a positive integer.");
            }
            return node.intValue();
        }

        private static @Nullable String user(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isString()) {
                throw InvalidRequestException.invalidParameter("user", "'user' must be a string.");
            }
            return node.stringValue();
        }

        private static boolean base64(JsonNode node) {
            if (node == null || node.isNull()) {
                return false;
            }
            if (node.isString() && node.stringValue().equals("float")) {
                return false;
            }
            if (node.isString() && node.stringValue().equals("base64")) {
                return true;
            }
            throw InvalidRequestException.invalidParameter(
                    "encoding_format", "'encoding_format' must be 'float' or 'base64'.");
        }

        /** The fields the gateway does not interpret, passed on to the provider as they are. */
        private static Map<String, JsonNode> extra(ObjectNode request) {
            Map<String, JsonNode> extra = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : request.properties()) {
                if (!OWN_FIELDS.contains(field.getKey())) {
                    extra.put(field.getKey(), field.getValue());
                }
            }
            return extra;
        }

        static final class Reader extends BodyReader<EmbeddingsBody> {
            Reader() {
                super(EmbeddingsBody::from);
            }
        }
    }

    /** OpenAI's list of embeddings. */
    public record EmbeddingList(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {}

    /** One embedding: a list of floats, or their little-endian bytes in base64. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EmbeddingData(
            String object,
            int index,

            @Schema(
                    description = "The vector: floats, or with `encoding_format: base64` their little-endian"
                            + " float32 bytes in base64.",
                    oneOf = {float[].class, String.class})
            Object embedding) {}

    public record EmbeddingUsage(
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("total_tokens") int totalTokens) {}
}
