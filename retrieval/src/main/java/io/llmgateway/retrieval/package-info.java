/**
 * Retrieval's state and work, without web types: files ({@link FileStore}) and vector stores
 * ({@link VectorStoreRepository}) in PostgreSQL through R2DBC, the ingestion work queue ({@link IngestionQueue}) and
 * its worker ({@link Ingestion}), this replica's search index kept equal to the database ({@link IndexSynchronizer}),
 * and search ({@link RetrievalSearch}). The application provides the embeddings through {@link RetrievalEmbeddings}
 * and the HTTP surface (the Files and Vector Stores API, {@code rag_params}); its blocking work (the {@code rag}
 * module) runs only on the schedulers it is given.
 */
@NullMarked
package io.llmgateway.retrieval;

import org.jspecify.annotations.NullMarked;
