package io.llmgateway.rag.index;

import java.util.List;

/**
 * The search index behind vector stores: chunks go in with their embeddings and attributes, and come back out
 * by hybrid, BM25 or vector search, always confined to the vector stores a search names.
 *
 * <p>Implementations are thread-safe: searches run concurrently with each other and with updates, and a search
 * that starts after an update returned sees that update. All calls block (disk or CPU); call them off event-loop
 * threads. The index is not the system of record: the application keeps chunks and embeddings in its database
 * and can rebuild an index from them.
 */
public interface Retriever extends AutoCloseable {

    /**
     * Adds chunks, replacing any chunk with the same vector store, file and chunk index. To re-ingest a file
     * whose new version may have fewer chunks, call {@link #deleteFile} first.
     */
    void index(List<IndexedChunk> chunks);

    /** Removes every chunk of a file in a vector store. */
    void deleteFile(String vectorStoreId, String fileId);

    /** Removes every chunk of a vector store. */
    void deleteStore(String vectorStoreId);

    /** The best chunks for a request, best first, at most {@code maxNumResults}, none below the threshold. */
    List<SearchHit> search(SearchRequest request);

    /** How many chunks a vector store holds. */
    long countChunks(String vectorStoreId);

    /** Removes every chunk of every store. */
    void clear();

    /** Releases the index; later calls fail with {@link IllegalStateException}. */
    @Override
    void close();
}
