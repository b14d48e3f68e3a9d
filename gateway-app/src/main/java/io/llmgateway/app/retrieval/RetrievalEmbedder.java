package io.llmgateway.app.retrieval;

import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.usage.TokenSource;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.app.usage.UsageRecord;
import io.llmgateway.app.usage.UsageStatus;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.tokens.TokenCounter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The embedding model of retrieval ({@code gateway.retrieval.embedding-model}), called through its route like
 * any model: the in-process all-MiniLM-L6-v2 by default, or a configured upstream embedding model, with its
 * deployments, fallbacks and circuit breakers. Every call writes one usage record (the tokens it spent, to the
 * {@link UsageOwner}), so ingestion and searches show in usage reports and budgets.
 */
class RetrievalEmbedder {

    private final Route route;
    private final RouteExecutor executor;
    private final UsageLedger ledger;
    private final TokenCounter tokenizer;
    private final Clock clock;
    private final String modelId;
    private final int batchSize;

    RetrievalEmbedder(ModelRouter router, RouteExecutor executor, UsageLedger ledger, TokenCounter tokenizer,
                      Clock clock, String modelId, int batchSize) {
        Route route = router.resolve(modelId);
        if (!route.isEmbedding()) {
            throw new IllegalStateException("gateway.retrieval.embedding-model '" + modelId
                    + "' is not an embedding model (give its gateway.models entry type: embedding)");
        }
        this.route = route;
        this.executor = executor;
        this.ledger = ledger;
        this.tokenizer = tokenizer;
        this.clock = clock;
        this.modelId = modelId;
        this.batchSize = batchSize;
    }

    /** The model id whose vectors the index compares. */
    String modelId() {
        return modelId;
    }

    /**
     * The vectors of the texts, in order, asked for in batches of {@code embed-batch-size}; one usage record for
     * them all. Fails with the 503 of a full or closing ledger before calling the model.
     */
    Mono<List<float[]>> embed(List<String> texts, EmbeddingPurpose purpose, UsageOwner owner) {
        if (!ledger.tryOpen()) {
            return Mono.error(ledger.refusal());
        }
        Spend spend = new Spend(owner, clock.instant(), System.nanoTime());
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += batchSize) {
            batches.add(texts.subList(i, Math.min(texts.size(), i + batchSize)));
        }
        return Flux.fromIterable(batches)
                .concatMap(batch -> executor.execute(route, target -> {
                            spend.deployment = target.deployment();
                            return target.embeddings()
                                    .embed(EmbeddingRequest.of(target.upstreamModel(), batch, purpose)).flux();
                        })
                        .single()
                        .map(result -> {
                            if (result.promptTokens() != null) {
                                spend.tokens += result.promptTokens();
                            } else {
                                spend.estimated = true;
                                batch.forEach(text -> spend.tokens += tokenizer.count(text));
                            }
                            return result.vectors();
                        }))
                .<float[]>concatMapIterable(vectors -> vectors)
                .collectList()
                .doOnSuccess(vectors -> spend.record(UsageStatus.OK, null))
                .doOnError(error -> spend.record(UsageStatus.UPSTREAM_ERROR,
                        error instanceof GatewayException gateway ? gateway.code() : "internal_error"))
                .doOnCancel(() -> spend.record(UsageStatus.CANCELLED, null));
    }

    /** The tokens one call spent over its batches (which run one after the other), recorded once. */
    private final class Spend {

        private final UsageOwner owner;
        private final Instant startedAt;
        private final long startedNanos;
        private final AtomicBoolean recorded = new AtomicBoolean();
        private volatile String deployment;
        private volatile long tokens;
        private volatile boolean estimated;

        Spend(UsageOwner owner, Instant startedAt, long startedNanos) {
            this.owner = owner;
            this.startedAt = startedAt;
            this.startedNanos = startedNanos;
        }

        void record(UsageStatus status, String errorCode) {
            if (!recorded.compareAndSet(false, true)) {
                return;
            }
            int used = (int) Math.min(Integer.MAX_VALUE, tokens);
            int latency = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
            TokenSource source = used == 0 ? TokenSource.NONE : estimated ? TokenSource.TOKENIZER : TokenSource.UPSTREAM;
            ledger.record(UsageRecord.embedding(owner.requestId(), startedAt, owner.keyId(), owner.userId(),
                    owner.projectId(), modelId, deployment, used, source, route.price().costPicos(used, 0, 0),
                    status, errorCode, latency, null));
        }
    }
}
