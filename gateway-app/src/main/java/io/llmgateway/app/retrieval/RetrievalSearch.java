package io.llmgateway.app.retrieval;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.rag.index.SearchHit;
import io.llmgateway.rag.index.SearchRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Searches a project's vector stores: the stores are checked against the project in PostgreSQL (which also says
 * which files are complete), this replica's index is brought up to that state if it lags, and the query is
 * embedded and searched on the retrieval pool (hybrid BM25 and vectors).
 */
class RetrievalSearch {

    private final VectorStoreStore stores;
    private final IndexSynchronizer index;
    private final EmbeddingModel model;
    private final Scheduler scheduler;
    private final Duration syncTimeout;

    RetrievalSearch(VectorStoreStore stores, IndexSynchronizer index, EmbeddingModel model, Scheduler scheduler,
                    Duration syncTimeout) {
        this.stores = stores;
        this.index = index;
        this.model = model;
        this.scheduler = scheduler;
        this.syncTimeout = syncTimeout;
    }

    /**
     * The best chunks of the project's stores for a query.
     *
     * @param missing the error when a store is not the project's (a 404 for the API, a 400 for {@code rag_params})
     */
    Mono<List<SearchHit>> search(String projectId, List<String> storeIds, String query, int maxNumResults,
                                 double scoreThreshold, Filter filter, Function<String, Throwable> missing) {
        return stores.completedFiles(projectId, storeIds)
                .<List<SearchHit>>flatMap(files -> {
                    for (String id : storeIds) {
                        if (!files.containsKey(id)) {
                            return Mono.error(missing.apply(id));
                        }
                    }
                    if (files.values().stream().allMatch(Map::isEmpty)) {
                        return Mono.just(List.<SearchHit>of()); // nothing completed yet: no need for the model
                    }
                    Mono<Void> current = index.ensure(files).timeout(syncTimeout, Mono.error(() ->
                            GatewayException.unavailable("The search index of this replica is catching up with the"
                                    + " database; retry shortly.", "retrieval_index_syncing", Duration.ofSeconds(1))));
                    return current.then(Mono.fromCallable(() -> {
                        float[] vector = model.get().embed(query);
                        return index.retriever().search(new SearchRequest(storeIds, query, vector, maxNumResults,
                                scoreThreshold, filter, SearchRequest.Mode.HYBRID));
                    }).subscribeOn(scheduler));
                })
                .onErrorMap(RejectedExecutionException.class, RetrievalSearch::busy);
    }

    /** The retrieval pool's queue is full: a 503 the client may retry. */
    static GatewayException busy(RejectedExecutionException rejected) {
        return GatewayException.unavailable("Retrieval is busy; retry shortly.", "retrieval_busy",
                Duration.ofSeconds(1));
    }
}
