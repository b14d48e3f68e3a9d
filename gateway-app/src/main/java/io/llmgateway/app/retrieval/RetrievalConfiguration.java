package io.llmgateway.app.retrieval;

import io.llmgateway.app.config.BodySizeLimitFilter;
import io.llmgateway.app.persistence.DatabaseConfiguration;
import io.llmgateway.app.persistence.DatabaseServer;
import io.llmgateway.app.pipeline.ModelCallPipeline;
import io.llmgateway.app.routing.LocalModel;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.rag.chunk.Chunker;
import io.llmgateway.rag.document.DocumentParser;
import io.llmgateway.rag.index.LuceneRetriever;
import io.llmgateway.rag.index.Retriever;
import io.llmgateway.retrieval.FileStore;
import io.llmgateway.retrieval.IndexSynchronizer;
import io.llmgateway.retrieval.Ingestion;
import io.llmgateway.retrieval.IngestionQueue;
import io.llmgateway.retrieval.RetrievalSearch;
import io.llmgateway.retrieval.VectorStoreRepository;
import java.util.concurrent.CompletionException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retrieval: files and vector stores in PostgreSQL, ingestion on a bounded pool, this replica's search index
 * (rebuilt from the database before the server accepts requests, then kept current by notifications), search,
 * {@code rag_params}, and the in-process embedding model. None of it exists with
 * {@code gateway.retrieval.enabled=false}: chat requests then get {@code ChatAugmentation.OFF}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRetrieval
public class RetrievalConfiguration {

    @Bean(destroyMethod = "close")
    RetrievalSchedulers retrievalSchedulers(RetrievalProperties properties) {
        return new RetrievalSchedulers(properties);
    }

    @Bean(destroyMethod = "close")
    EmbeddingModel embeddingModel() {
        return new EmbeddingModel();
    }

    /** all-MiniLM-L6-v2, served in process and routed like a configured model. */
    @Bean
    LocalModel localEmbeddingModel(EmbeddingModel model, RetrievalSchedulers schedulers) {
        return new LocalModel(
                LocalEmbeddingProvider.modelId(), "llm-gateway", new LocalEmbeddingProvider(model, schedulers));
    }

    @Bean
    RetrievalEmbedder retrievalEmbedder(
            ModelCallPipeline pipeline, ModelRouter router, RetrievalProperties properties) {
        return new RetrievalEmbedder(pipeline, router, properties.embeddingModel(), properties.embedBatchSize());
    }

    /** The search index behind the {@link Retriever} interface: Lucene, in memory, one per replica. */
    @Bean(destroyMethod = "close")
    Retriever retriever(JsonMapper gatewayJsonMapper) {
        return LuceneRetriever.inMemory(gatewayJsonMapper);
    }

    /**
     * Loaded in full from PostgreSQL here, at start-up, before the server accepts requests: the only wait of
     * retrieval, on the thread that starts the application (the reads run on the pool, the index on the retrieval
     * pool).
     */
    @Bean(destroyMethod = "close")
    IndexSynchronizer indexSynchronizer(
            DatabaseClient db,
            ReactiveTransactionManager transactions,
            Retriever retriever,
            RetrievalSchedulers schedulers,
            RetrievalProperties properties,
            JsonMapper gatewayJsonMapper) {
        DefaultTransactionDefinition snapshot = new DefaultTransactionDefinition();
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
        IndexSynchronizer synchronizer = new IndexSynchronizer(
                db,
                TransactionalOperator.create(transactions, snapshot),
                properties.embeddingModel(),
                retriever,
                schedulers.search(),
                gatewayJsonMapper);
        try {
            synchronizer.syncAll().toFuture().join();
        } catch (CompletionException e) {
            synchronizer.close();
            throw new IllegalStateException(
                    "loading the search index from the database failed: " + e.getCause(), e.getCause());
        }
        return synchronizer;
    }

    @Bean
    RetrievalChangeListener retrievalChangeListener(DatabaseServer server, IndexSynchronizer index) {
        return new RetrievalChangeListener(DatabaseConfiguration.directConnections(server.endpoint()), index);
    }

    @Bean
    FileStore fileStore(DatabaseClient db) {
        return new FileStore(db);
    }

    @Bean
    VectorStoreRepository vectorStoreRepository(
            DatabaseClient db, TransactionalOperator tx, JsonMapper gatewayJsonMapper) {
        return new VectorStoreRepository(db, tx, gatewayJsonMapper);
    }

    @Bean
    IngestionQueue ingestionQueue(DatabaseClient db, TransactionalOperator tx) {
        return new IngestionQueue(db, tx);
    }

    @Bean
    Ingestion ingestion(
            IngestionQueue queue,
            RetrievalEmbedder embedder,
            IndexSynchronizer index,
            RetrievalSchedulers schedulers,
            RetrievalProperties properties) {
        return new Ingestion(
                queue,
                new DocumentParser(),
                new Chunker(),
                embedder,
                index,
                schedulers.ingest(),
                properties.ingestThreads(),
                properties.maxAttempts());
    }

    @Bean
    RetrievalSearch retrievalSearch(
            VectorStoreRepository stores,
            IndexSynchronizer index,
            RetrievalEmbedder embedder,
            RetrievalSchedulers schedulers,
            RetrievalProperties properties) {
        return new RetrievalSearch(stores, index, embedder, schedulers.search(), properties.syncTimeout());
    }

    @Bean
    RetrievalAccess retrievalAccess(RetrievalEmbedder embedder) {
        return new RetrievalAccess(embedder.modelId());
    }

    @Bean
    ChatRetrieval chatRetrieval(
            RetrievalSearch search,
            RetrievalAccess access,
            JsonMapper gatewayJsonMapper,
            RetrievalProperties properties) {
        return new ChatRetrieval(search, access, gatewayJsonMapper, properties.systemTemplate());
    }

    /** Uploads to {@code POST /v1/files} are held to the file size limit, not the JSON body limit. */
    @Bean
    BodySizeLimitFilter.PathLimit fileUploadBodyLimit(RetrievalProperties properties) {
        // the multipart framing around the file takes a few hundred bytes; the file itself is checked exactly
        return new BodySizeLimitFilter.PathLimit(
                "POST", "/v1/files", properties.maxFileSize().toBytes() + 64 * 1024);
    }
}
