package io.llmgateway.retrieval;

import io.llmgateway.retrieval.VectorStoreRepository.Key;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ingestion work queue, in PostgreSQL: the attachments {@code in_progress} are its work. {@link Ingestion}
 * claims one (counting the attempt), then marks it done, its chunks written together with the status
 * {@code completed} in one transaction, or failed with the reason. A claim is valid only while no other attempt
 * started, so a restarted or removed attachment is never completed by a stale one.
 */
public class IngestionQueue {

    /** At most this many chunks per INSERT statement (each carries its embedding). */
    private static final int INSERT_BATCH = 256;

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    public IngestionQueue(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    /** Every attachment left {@code in_progress}: after a crash, their ingestion starts over. */
    Flux<Key> inProgress() {
        return db.sql("SELECT vector_store_id, file_id FROM vector_store_files WHERE status = 'in_progress'")
                .map(row -> new Key(row.get("vector_store_id", String.class), row.get("file_id", String.class)))
                .all();
    }

    /**
     * Counts an ingestion attempt of an attachment still {@code in_progress} and reads what it needs; empty when the
     * attachment is gone or no longer in progress.
     */
    Mono<Claim> claim(Key key) {
        return db.sql("""
                        UPDATE vector_store_files vf SET attempts = vf.attempts + 1
                        FROM files f
                        WHERE f.id = vf.file_id AND vf.vector_store_id = :store AND vf.file_id = :file
                          AND vf.status = 'in_progress'
                        RETURNING vf.attempts, vf.max_chunk_size_tokens, vf.chunk_overlap_tokens, f.filename,
                          f.content_type, f.bytes, f.project_id""")
                .bind("store", key.storeId())
                .bind("file", key.fileId())
                .map(row -> {
                    ByteBuffer bytes = row.get("bytes", ByteBuffer.class);
                    byte[] content = new byte[bytes == null ? 0 : bytes.remaining()];
                    if (bytes != null) {
                        bytes.get(content);
                    }
                    Integer attempts = row.get("attempts", Integer.class);
                    return new Claim(
                            key,
                            row.get("project_id", String.class),
                            attempts == null ? 1 : attempts,
                            row.get("filename", String.class),
                            row.get("content_type", String.class),
                            content,
                            new Chunking(
                                    false,
                                    row.get("max_chunk_size_tokens", Integer.class),
                                    row.get("chunk_overlap_tokens", Integer.class)));
                })
                .one();
    }

    /**
     * Writes the chunks and marks the attachment {@code completed} in one transaction, so a file is never reported
     * complete with part of its chunks. False (and nothing written) when the attachment was removed or restarted
     * meanwhile.
     */
    Mono<Boolean> complete(Claim claim, List<ChunkRow> chunks, String embeddingModel) {
        Key key = claim.key();
        int dimensions = chunks.isEmpty() ? 0 : chunks.get(0).embedding().length;
        long usageBytes = 0;
        for (ChunkRow chunk : chunks) {
            if (chunk.embedding().length != dimensions) {
                return Mono.error(new IllegalStateException("the embedding model answered vectors of "
                        + chunk.embedding().length + " and " + dimensions + " dimensions for one file"));
            }
            usageBytes += chunk.text().getBytes(StandardCharsets.UTF_8).length + 4L * dimensions;
        }
        Mono<Boolean> work = db.sql("""
                        UPDATE vector_store_files SET status = 'completed',
                          generation = nextval('retrieval_generation'), usage_bytes = :usage,
                          embedding_model = :model, last_error_code = NULL, last_error_message = NULL
                        WHERE vector_store_id = :store AND file_id = :file AND status = 'in_progress'
                          AND attempts = :attempts""")
                .bind("usage", usageBytes)
                .bind("model", embeddingModel)
                .bind("store", key.storeId())
                .bind("file", key.fileId())
                .bind("attempts", claim.attempts())
                .fetch()
                .rowsUpdated()
                .flatMap(updated -> updated == 0
                        ? Mono.just(false)
                        : db.sql("DELETE FROM chunks WHERE vector_store_id = :store AND file_id = :file")
                                .bind("store", key.storeId())
                                .bind("file", key.fileId())
                                .fetch()
                                .rowsUpdated()
                                .thenMany(Flux.fromIterable(batches(chunks))
                                        .concatMap(batch -> insert(key, batch, dimensions)))
                                .then(Mono.just(true)));
        return tx.transactional(work);
    }

    private static List<List<ChunkRow>> batches(List<ChunkRow> chunks) {
        List<List<ChunkRow>> batches = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i += INSERT_BATCH) {
            batches.add(chunks.subList(i, Math.min(chunks.size(), i + INSERT_BATCH)));
        }
        return batches;
    }

    private Mono<Long> insert(Key key, List<ChunkRow> batch, int dimensions) {
        Integer[] indexes = new Integer[batch.size()];
        String[] texts = new String[batch.size()];
        Integer[] tokens = new Integer[batch.size()];
        Float[] vectors = new Float[batch.size() * dimensions];
        for (int i = 0; i < batch.size(); i++) {
            ChunkRow chunk = batch.get(i);
            indexes[i] = chunk.index();
            texts[i] = chunk.text();
            tokens[i] = chunk.tokens();
            for (int d = 0; d < dimensions; d++) {
                vectors[i * dimensions + d] = chunk.embedding()[d];
            }
        }
        // the embeddings travel as one flat array, cut back into one vector per chunk by the ordinality
        return db.sql("INSERT INTO chunks (vector_store_id, file_id, chunk_index, text, token_count, embedding,"
                        + " attributes) SELECT :store, :file, c.idx, c.txt, c.tok,"
                        + " (CAST(:vectors AS real[]))[((c.ord - 1) * " + dimensions + " + 1):(c.ord * " + dimensions
                        + ")], (SELECT vf.attributes FROM vector_store_files vf"
                        + " WHERE vf.vector_store_id = :store AND vf.file_id = :file)"
                        + " FROM unnest(CAST(:indexes AS integer[]), CAST(:texts AS text[]),"
                        + " CAST(:tokens AS integer[])) WITH ORDINALITY AS c(idx, txt, tok, ord)")
                .bind("store", key.storeId())
                .bind("file", key.fileId())
                .bind("vectors", vectors)
                .bind("indexes", indexes)
                .bind("texts", texts)
                .bind("tokens", tokens)
                .fetch()
                .rowsUpdated();
    }

    /** Marks an attachment still {@code in_progress} as failed, with the reason. */
    Mono<Long> fail(Key key, String code, String message) {
        return db.sql("UPDATE vector_store_files SET status = 'failed', last_error_code = :code,"
                        + " last_error_message = :message"
                        + " WHERE vector_store_id = :store AND file_id = :file AND status = 'in_progress'")
                .bind("code", code)
                .bind("message", message)
                .bind("store", key.storeId())
                .bind("file", key.fileId())
                .fetch()
                .rowsUpdated();
    }

    /** What ingestion needs of an attachment it claimed. */
    record Claim(
            Key key,
            String projectId,
            int attempts,
            String filename,
            String contentType,
            byte[] content,
            Chunking chunking) {}

    /** A chunk ready to store. */
    record ChunkRow(int index, String text, int tokens, float[] embedding) {}
}
