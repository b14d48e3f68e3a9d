/**
 * The search index behind vector stores: the {@link Retriever} SPI and {@link LuceneRetriever}, hybrid BM25 and HNSW
 * vector search on embedded Lucene fused by reciprocal rank; {@link IndexedChunk} in, {@link SearchRequest} and
 * {@link SearchHit} out; and OpenAI-shaped attribute {@link Filter}s, read by {@code FilterParser} and refused with
 * {@link InvalidFilterException}.
 *
 * <p>Calls block (disk or CPU), and the index is not the system of record: the application rebuilds it from PostgreSQL.
 * Depends on no other gateway package.
 */
@NullMarked
package io.llmgateway.rag.index;

import org.jspecify.annotations.NullMarked;
