/**
 * Knowledge bases over HTTP: OpenAI's Files and Vector Stores API ({@link FilesController},
 * {@link VectorStoresController}, scoped to the caller's project), {@link ChatRetrieval}, the {@code rag_params} of
 * chat completions, and the wiring of the {@code retrieval} module ({@link RetrievalConfiguration}: its stores,
 * ingestion queue, index synchronizer and search), kept current by {@link RetrievalChangeListener}.
 *
 * <p>It also serves the in-process {@code all-minilm-l6-v2} model as an {@code EmbeddingProvider}
 * ({@link LocalEmbeddingProvider}). The module's embeddings go through {@code ModelCallPipeline}
 * ({@link RetrievalEmbedder}, its {@code RetrievalEmbeddings}); the blocking work runs only on
 * {@link RetrievalSchedulers}' pools.
 */
@NullMarked
package io.llmgateway.app.retrieval;

import org.jspecify.annotations.NullMarked;
