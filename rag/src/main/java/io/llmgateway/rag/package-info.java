/** Retrieval: documents to chunks to embeddings to a hybrid search index, without Spring. */
package io.llmgateway.rag;
