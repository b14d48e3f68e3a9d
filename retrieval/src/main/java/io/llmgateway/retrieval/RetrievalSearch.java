package io.llmgateway.retrieval;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.rag.index.SearchHit;
import io.llmgateway.rag.index.SearchRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Searches a project's vector stores: the stores are checked against the project in PostgreSQL (which also says
 * which files are complete), this replica's index is brought up to that state if it lags, the query is embedded
 * by the retrieval embedding model and searched on the retrieval pool (hybrid BM25 and vectors).
 */
public class RetrievalSearch {

    private final VectorStoreRepository stores;
    private final IndexSynchronizer index;
    private final RetrievalEmbeddings embedder;
    private final Scheduler scheduler;
    private final Duration syncTimeout;

    public RetrievalSearch(
            VectorStoreRepository stores,
            IndexSynchronizer index,
            RetrievalEmbeddings embedder,
            Scheduler scheduler,
            Duration syncTimeout) {
        this.stores = stores;
        this.index = index;
        this.embedder = embedder;
        this.scheduler = scheduler;
        this.syncTimeout = syncTimeout;
    }

    /**
     * The best chunks of the project's stores for a query.
     *
     * @param owner   whom the query's embedding tokens are written to; its project is the one searched
     * @param missing     the error when a store is not the project's (a 404 for the API, a 400 for
     *                    {@code rag_params})
     * @param storesParam the request field that named the stores, for the 400 of an expired one (null for the path)
     */
    public Mono<List<SearchHit>> search(
            EmbeddingOwner owner,
            List<String> storeIds,
            String query,
            int maxNumResults,
            double scoreThreshold,
            @Nullable Filter filter,
            Function<String, Throwable> missing,
            @Nullable String storesParam) {
        return stores.completedFiles(owner.projectId(), storeIds)
                .<List<SearchHit>>flatMap(found -> {
                    Map<String, Map<String, Long>> files = found.files();
                    for (String id : storeIds) {
                        if (!files.containsKey(id)) {
                            return Mono.error(missing.apply(id));
                        }
                        if (found.expired().contains(id)) {
                            return Mono.error(expired(id, storesParam));
                        }
                    }
                    if (files.values().stream().allMatch(Map::isEmpty)) {
                        return Mono.just(List.<SearchHit>of()); // nothing completed yet: no need for the model
                    }
                    Mono<Void> current = index.ensure(files)
                            .timeout(
                                    syncTimeout,
                                    Mono.error(() -> GatewayException.unavailable(
                                            "The search index of this replica is catching up with the"
                                                    + " database; retry shortly.",
                                            "retrieval_index_syncing",
                                            Duration.ofSeconds(1))));
                    return current.then(embedder.embed(List.of(query), EmbeddingPurpose.QUERY, owner))
                            .flatMap(vectors -> Mono.fromCallable(() -> index.retriever()
                                            .search(new SearchRequest(
                                                    storeIds,
                                                    query,
                                                    vectors.get(0),
                                                    maxNumResults,
                                                    scoreThreshold,
                                                    filter,
                                                    SearchRequest.Mode.HYBRID)))
                                    .subscribeOn(scheduler));
                })
                .onErrorMap(RejectedExecutionException.class, RetrievalSearch::busy);
    }

    /** 400: the store expired ({@code expires_after}); it is kept, and its expiry can be changed or removed. */
    public static InvalidRequestException expired(String storeId, @Nullable String param) {
        return InvalidRequestException.invalidParameter(
                param,
                "The vector store '" + storeId + "' has expired"
                        + " (expires_after); change or remove its expires_after with POST /v1/vector_stores/" + storeId
                        + " to search it again.");
    }

    /** The retrieval pool's queue is full: a 503 the client may retry. */
    public static GatewayException busy(RejectedExecutionException rejected) {
        return GatewayException.unavailable(
                "Retrieval is busy; retry shortly.", "retrieval_busy", Duration.ofSeconds(1));
    }
}
