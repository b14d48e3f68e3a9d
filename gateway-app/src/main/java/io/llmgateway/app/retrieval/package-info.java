/**
 * Knowledge bases: OpenAI's Files and Vector Stores API ({@link FilesController}, {@link VectorStoresController},
 * scoped to the caller's project, with their PostgreSQL stores {@link FileStore} and {@link VectorStoreRepository}),
 * {@link Ingestion} (parse, chunk, embed off the request path, its work taken from the {@link IngestionQueue}),
 * {@link IndexSynchronizer} and
 * {@link RetrievalChangeListener} (this replica's Lucene index kept equal to the database), {@link RetrievalSearch},
 * and {@link ChatRetrieval}, the {@code rag_params} of chat completions.
 *
 * <p>It also serves the in-process {@code all-minilm-l6-v2} model as an {@code EmbeddingProvider}
 * ({@link LocalEmbeddingProvider}). Its embeddings go through {@code ModelCallPipeline} ({@link RetrievalEmbedder});
 * its blocking work (the {@code rag} module) runs only on {@link RetrievalSchedulers}' pools.
 */
@NullMarked
package io.llmgateway.app.retrieval;

import org.jspecify.annotations.NullMarked;
