package io.llmgateway.app.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.rag.embed.Embeddings;
import io.llmgateway.rag.embed.LocalMiniLmEmbedder;
import io.llmgateway.retrieval.RetrievalSearch;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * all-MiniLM-L6-v2 in process, as a provider: passages being ingested are embedded on the ingestion pool, anything
 * else (queries, {@code /v1/embeddings}) on the search pool; never on an event loop. Its vectors have
 * {@value #DIMENSIONS} dimensions; a request for another length is a 400.
 */
final class LocalEmbeddingProvider implements EmbeddingProvider {

    static final int DIMENSIONS = 384;

    private final EmbeddingModel model;
    private final RetrievalSchedulers schedulers;

    LocalEmbeddingProvider(EmbeddingModel model, RetrievalSchedulers schedulers) {
        this.model = model;
        this.schedulers = schedulers;
    }

    static String modelId() {
        return LocalMiniLmEmbedder.MODEL_ID;
    }

    @Override
    public void check(EmbeddingRequest request) {
        if (request.dimensions() != null && request.dimensions() != DIMENSIONS) {
            throw InvalidRequestException.invalidParameter(
                    "dimensions",
                    "'dimensions' must be " + DIMENSIONS + " for the model '" + modelId() + "' (or left out).");
        }
    }

    @Override
    public Mono<EmbeddingResult> embed(EmbeddingRequest request) {
        try {
            check(request);
        } catch (InvalidRequestException refused) {
            return Mono.error(refused);
        }
        Scheduler scheduler = request.purpose() == EmbeddingPurpose.PASSAGE ? schedulers.ingest() : schedulers.search();
        return Mono.fromCallable(() -> {
                    Embeddings embeddings = model.get().embedWithUsage(request.input());
                    return new EmbeddingResult(
                            embeddings.vectors(), (int) Math.min(Integer.MAX_VALUE, embeddings.inputTokens()));
                })
                .subscribeOn(scheduler)
                .onErrorMap(RejectedExecutionException.class, RetrievalSearch::busy);
    }
}
