/**
 * The search index: the {@link io.llmgateway.rag.index.Retriever} SPI, OpenAI-shaped attribute filters and
 * {@link io.llmgateway.rag.index.LuceneRetriever}, hybrid BM25 and vector search on embedded Lucene.
 */
package io.llmgateway.rag.index;
