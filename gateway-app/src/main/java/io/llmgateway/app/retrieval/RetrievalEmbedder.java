package io.llmgateway.app.retrieval;

import io.llmgateway.app.pipeline.ModelCallPipeline;
import io.llmgateway.app.pipeline.UsageOwner;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.retrieval.EmbeddingOwner;
import io.llmgateway.retrieval.RetrievalEmbeddings;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The embedding model of retrieval ({@code gateway.retrieval.embedding-model}), called through its route like
 * any model: the in-process all-MiniLM-L6-v2 by default, or a configured upstream embedding model, with its
 * deployments, fallbacks and circuit breakers. Every call writes one usage record (the tokens it spent, to the
 * {@link EmbeddingOwner}), so ingestion and searches show in usage reports and budgets.
 */
class RetrievalEmbedder implements RetrievalEmbeddings {

    private final ModelCallPipeline pipeline;
    private final Route route;
    private final String modelId;
    private final int batchSize;

    RetrievalEmbedder(ModelCallPipeline pipeline, ModelRouter router, String modelId, int batchSize) {
        Route route = router.resolve(modelId);
        if (!route.isEmbedding()) {
            throw new IllegalStateException("gateway.retrieval.embedding-model '" + modelId
                    + "' is not an embedding model (give its gateway.models entry type: embedding)");
        }
        this.pipeline = pipeline;
        this.route = route;
        this.modelId = modelId;
        this.batchSize = batchSize;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    /**
     * The vectors of the texts, in order, asked for in batches of {@code embed-batch-size}; one usage record for
     * them all. Fails with the 503 of a full or closing ledger before calling the model.
     */
    @Override
    public Mono<List<float[]>> embed(List<String> texts, EmbeddingPurpose purpose, EmbeddingOwner owner) {
        UsageOwner usage = new UsageOwner(owner.requestId(), owner.keyId(), owner.userId(), owner.projectId());
        return pipeline.embedForRetrieval(route, texts, purpose, usage, batchSize);
    }
}
