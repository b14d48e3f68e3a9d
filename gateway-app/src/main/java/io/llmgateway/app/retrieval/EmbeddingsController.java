package io.llmgateway.app.retrieval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.usage.Price;
import io.llmgateway.app.usage.TokenSource;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.app.usage.UsageRecord;
import io.llmgateway.app.usage.UsageStatus;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.rag.embed.Embeddings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/embeddings} with the in-process model {@code all-minilm-l6-v2}, in OpenAI's shape: {@code input}
 * a string or a list of strings, {@code encoding_format} {@code float} (default) or {@code base64}. Each request is
 * written to the usage ledger (prompt tokens in the model's own tokenizer, no cost).
 */
@RestController
public class EmbeddingsController {

    static final int MAX_INPUTS = 2048;
    static final String REQUEST_ID_HEADER = "x-request-id";

    private final EmbeddingModel model;
    private final Scheduler scheduler;
    private final UsageLedger ledger;
    private final Clock clock;

    EmbeddingsController(EmbeddingModel model, RetrievalSchedulers schedulers, UsageLedger ledger, Clock clock) {
        this.model = model;
        this.scheduler = schedulers.search();
        this.ledger = ledger;
        this.clock = clock;
    }

    @PostMapping("/v1/embeddings")
    public Mono<EmbeddingList> embeddings(Caller caller, @RequestBody(required = false) JsonNode body,
                                          ServerWebExchange exchange) {
        long started = System.nanoTime();
        Instant receivedAt = clock.instant();
        ObjectNode request = VectorStoresController.object(body);
        JsonNode modelNode = request.get("model");
        if (modelNode == null || !modelNode.isString() || modelNode.stringValue().isBlank()) {
            throw InvalidRequestException.invalidParameter("model", "Missing required parameter: 'model'.");
        }
        String modelId = modelNode.stringValue();
        if (!modelId.equals(model.modelId())) {
            throw InvalidRequestException.modelNotFound(modelId);
        }
        List<String> inputs = inputs(request.get("input"));
        boolean base64 = encoding(request.get("encoding_format"));
        JsonNode dimensions = request.get("dimensions");
        if (dimensions != null && !dimensions.isNull()
                && (!dimensions.isIntegralNumber() || dimensions.intValue() != 384)) {
            throw InvalidRequestException.invalidParameter("dimensions",
                    "'dimensions' must be 384 for the model '" + modelId + "' (or left out).");
        }
        if (!ledger.tryOpen()) {
            throw GatewayException.unavailable("The usage ledger cannot take the request's record now (the"
                    + " database is unreachable or slow, or the gateway is shutting down); retry shortly.",
                    "usage_ledger_backlog", Duration.ofSeconds(5));
        }
        String requestId = "embd-" + Long.toString(System.currentTimeMillis(), 36)
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        exchange.getResponse().getHeaders().set(REQUEST_ID_HEADER, requestId);
        java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
        return Mono.fromCallable(() -> model.get().embedWithUsage(inputs)).subscribeOn(scheduler)
                .onErrorMap(java.util.concurrent.RejectedExecutionException.class, RetrievalSearch::busy)
                .map(embeddings -> {
                    record(caller, requestId, receivedAt, started, modelId, embeddings.inputTokens(),
                            UsageStatus.OK, recorded);
                    return response(modelId, embeddings, base64);
                })
                // the ledger slot opened above is closed exactly once, whatever the end
                .doOnError(error -> record(caller, requestId, receivedAt, started, modelId, 0,
                        UsageStatus.UPSTREAM_ERROR, recorded))
                .doOnCancel(() -> record(caller, requestId, receivedAt, started, modelId, 0,
                        UsageStatus.CANCELLED, recorded));
    }

    private void record(Caller caller, String requestId, Instant receivedAt, long started, String modelId,
                        long tokens, UsageStatus status, java.util.concurrent.atomic.AtomicBoolean recorded) {
        if (!recorded.compareAndSet(false, true)) {
            return;
        }
        int promptTokens = (int) Math.min(Integer.MAX_VALUE, tokens);
        int latency = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
        ledger.record(new UsageRecord(requestId, receivedAt, caller.keyId(), caller.userId(), caller.projectId(),
                modelId, "local", promptTokens, 0, null, TokenSource.UPSTREAM,
                Price.FREE.costPicos(promptTokens, 0, 0), status, null, null, latency, null, false, null,
                null, false, null, null));
    }

    private static EmbeddingList response(String modelId, Embeddings embeddings, boolean base64) {
        List<EmbeddingData> data = new ArrayList<>(embeddings.vectors().size());
        for (int i = 0; i < embeddings.vectors().size(); i++) {
            float[] vector = embeddings.vectors().get(i);
            Object encoded = base64 ? base64(vector) : vector;
            data.add(new EmbeddingData("embedding", i, encoded));
        }
        int tokens = (int) Math.min(Integer.MAX_VALUE, embeddings.inputTokens());
        return new EmbeddingList("list", data, modelId, new EmbeddingUsage(tokens, tokens));
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static List<String> inputs(JsonNode node) {
        List<String> inputs = new ArrayList<>();
        if (node != null && node.isString()) {
            inputs.add(node.stringValue());
        } else if (node != null && node.isArray() && !node.isEmpty() && node.size() <= MAX_INPUTS) {
            for (JsonNode item : node) {
                if (!item.isString()) {
                    throw InvalidRequestException.invalidParameter("input", "'input' must be a string or a list of"
                            + " strings; token arrays are not supported by the model '"
                            + "all-minilm-l6-v2" + "'.");
                }
                inputs.add(item.stringValue());
            }
        } else {
            throw InvalidRequestException.invalidParameter("input",
                    "'input' must be a string or a list of 1 to " + MAX_INPUTS + " strings.");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).isBlank()) {
                throw InvalidRequestException.invalidParameter(node.isArray() ? "input[" + i + "]" : "input",
                        "'input' must not be empty.");
            }
        }
        return inputs;
    }

    private static boolean encoding(JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isString() && node.stringValue().equals("float")) {
            return false;
        }
        if (node.isString() && node.stringValue().equals("base64")) {
            return true;
        }
        throw InvalidRequestException.invalidParameter("encoding_format",
                "'encoding_format' must be 'float' or 'base64'.");
    }

    /** OpenAI's list of embeddings. */
    public record EmbeddingList(String object, List<EmbeddingData> data, String model, EmbeddingUsage usage) {
    }

    /** One embedding: a list of floats, or their little-endian bytes in base64. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EmbeddingData(String object, int index, Object embedding) {
    }

    public record EmbeddingUsage(@JsonProperty("prompt_tokens") int promptTokens,
                                 @JsonProperty("total_tokens") int totalTokens) {
    }
}
