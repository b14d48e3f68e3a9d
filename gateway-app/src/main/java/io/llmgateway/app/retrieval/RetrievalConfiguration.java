package io.llmgateway.app.retrieval;

import io.llmgateway.app.config.BodySizeLimitFilter;
import io.llmgateway.app.persistence.DatabaseConfiguration;
import io.llmgateway.app.persistence.DatabaseServer;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.rag.chunk.Chunker;
import io.llmgateway.rag.document.DocumentParser;
import io.llmgateway.rag.index.LuceneRetriever;
import io.llmgateway.rag.index.Retriever;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retrieval: files and vector stores in PostgreSQL, ingestion on a bounded pool, this replica's search index
 * (rebuilt from the database before the server accepts requests, then kept current by notifications), search,
 * {@code rag_params} and embeddings.
 */
@Configuration(proxyBeanMethods = false)
public class RetrievalConfiguration {

    @Bean(destroyMethod = "close")
    RetrievalSchedulers retrievalSchedulers(RetrievalProperties properties) {
        return new RetrievalSchedulers(properties);
    }

    @Bean(destroyMethod = "close")
    EmbeddingModel embeddingModel() {
        return new EmbeddingModel();
    }

    /** The search index behind the {@link Retriever} interface: Lucene, in memory, one per replica. */
    @Bean(destroyMethod = "close")
    Retriever retriever() {
        return LuceneRetriever.inMemory();
    }

    /** Loaded in full from PostgreSQL here, at start-up, before the server accepts requests. */
    @Bean(destroyMethod = "close")
    IndexSynchronizer indexSynchronizer(DatabaseServer server, DatabaseConfiguration.SchemaMigrations migrations,
                                        Retriever retriever, RetrievalSchedulers schedulers) {
        IndexSynchronizer synchronizer = new IndexSynchronizer(server.endpoint(), retriever, schedulers.search());
        synchronizer.syncAll();
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
    VectorStoreStore vectorStoreStore(DatabaseClient db, TransactionalOperator tx) {
        return new VectorStoreStore(db, tx);
    }

    @Bean
    Ingestion ingestion(VectorStoreStore stores, TokenCounter tokenCounter, EmbeddingModel model,
                        IndexSynchronizer index, RetrievalSchedulers schedulers, RetrievalProperties properties) {
        return new Ingestion(stores, new DocumentParser(), new Chunker(tokenCounter), model, index,
                schedulers.ingest(), properties);
    }

    @Bean
    RetrievalSearch retrievalSearch(VectorStoreStore stores, IndexSynchronizer index, EmbeddingModel model,
                                    RetrievalSchedulers schedulers, RetrievalProperties properties) {
        return new RetrievalSearch(stores, index, model, schedulers.search(), properties.syncTimeout());
    }

    @Bean
    ChatRetrieval chatRetrieval(RetrievalSearch search, JsonMapper gatewayJsonMapper, RetrievalProperties properties) {
        return new ChatRetrieval(search, gatewayJsonMapper, properties.systemTemplate());
    }

    /** Uploads to {@code POST /v1/files} are held to the file size limit, not the JSON body limit. */
    @Bean
    BodySizeLimitFilter.PathLimit fileUploadBodyLimit(RetrievalProperties properties) {
        // the multipart framing around the file takes a few hundred bytes; the file itself is checked exactly
        return new BodySizeLimitFilter.PathLimit("POST", "/v1/files", properties.maxFileSize().toBytes() + 64 * 1024);
    }
}
