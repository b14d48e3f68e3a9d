package io.llmgateway.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import io.llmgateway.core.protocol.Unmodifiable;
import io.llmgateway.retrieval.RetrievalViews.Deleted;
import io.llmgateway.retrieval.RetrievalViews.ExpiresAfter;
import io.llmgateway.retrieval.RetrievalViews.FileCounts;
import io.llmgateway.retrieval.RetrievalViews.LastError;
import io.llmgateway.retrieval.RetrievalViews.VectorStoreFileView;
import io.llmgateway.retrieval.RetrievalViews.VectorStoreView;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The repository of vector stores and the files attached to them, in PostgreSQL, always within one project: another
 * project's store or file does not exist (404). Creating, reading, listing, changing and deleting them, and what a
 * search reads of them ({@link #completedFiles}). Attaching a file leaves it {@code in_progress}; the work of
 * ingesting it is the {@link IngestionQueue}'s.
 */
public class VectorStoreRepository {

    private static final String STORE_COLUMNS = """
            s.id, s.name, s.metadata::text AS metadata, s.created_at, s.last_active_at, s.expires_after_days,
            c.in_progress, c.completed, c.failed, c.cancelled, c.total, c.usage_bytes
            FROM vector_stores s LEFT JOIN LATERAL (
              SELECT count(*) FILTER (WHERE f.status = 'in_progress') AS in_progress,
                     count(*) FILTER (WHERE f.status = 'completed') AS completed,
                     count(*) FILTER (WHERE f.status = 'failed') AS failed,
                     count(*) FILTER (WHERE f.status = 'cancelled') AS cancelled,
                     count(*) AS total,
                     coalesce(sum(f.usage_bytes), 0)::bigint AS usage_bytes
              FROM vector_store_files f WHERE f.vector_store_id = s.id) c ON TRUE
            """;
    private static final String FILE_COLUMNS = """
            vf.vector_store_id, vf.file_id, vf.status, vf.last_error_code, vf.last_error_message,
            vf.attributes::text AS attributes, vf.chunking_type, vf.max_chunk_size_tokens, vf.chunk_overlap_tokens,
            vf.usage_bytes, vf.created_at
            """;
    private final DatabaseClient db;
    private final TransactionalOperator tx;
    /** Reads the stored metadata and attributes for the views. */
    private final JsonMapper json;

    public VectorStoreRepository(DatabaseClient db, TransactionalOperator tx, JsonMapper json) {
        this.db = db;
        this.tx = tx;
        this.json = json;
    }

    // ---- vector stores ------------------------------------------------------------------------------------

    /** Creates a store with its files attached ({@code in_progress}); the attachments to ingest come back too. */
    public Mono<Created> create(
            String projectId,
            @Nullable String name,
            ObjectNode metadata,
            @Nullable Chunking storeChunking,
            @Nullable Integer expiresAfterDays,
            List<String> fileIds,
            Chunking fileChunking) {
        String id = RetrievalIds.newStoreId();
        Mono<Created> work = requireFiles(projectId, fileIds)
                .then(db.sql("INSERT INTO vector_stores (id, project_id, name, metadata, max_chunk_size_tokens,"
                                + " chunk_overlap_tokens, expires_after_days) VALUES (:id, :project, :name,"
                                + " CAST(:metadata AS jsonb), :max, :overlap, :days)")
                        .bind("id", id)
                        .bind("project", projectId)
                        .bind("name", Parameter.fromOrEmpty(name, String.class))
                        .bind("metadata", metadata.toString())
                        .bind(
                                "max",
                                Parameter.fromOrEmpty(
                                        storeChunking == null ? null : storeChunking.maxChunkSizeTokens(),
                                        Integer.class))
                        .bind(
                                "overlap",
                                Parameter.fromOrEmpty(
                                        storeChunking == null ? null : storeChunking.chunkOverlapTokens(),
                                        Integer.class))
                        .bind("days", Parameter.fromOrEmpty(expiresAfterDays, Integer.class))
                        .fetch()
                        .rowsUpdated())
                .thenMany(Flux.fromIterable(fileIds)
                        .concatMap(fileId -> upsertAttachment(id, fileId, "{}", fileChunking)))
                .then(Mono.defer(() -> get(projectId, id)))
                .map(view -> new Created(
                        view,
                        fileIds.stream().map(fileId -> new Key(id, fileId)).toList()));
        return tx.transactional(work);
    }

    public Mono<VectorStoreView> get(String projectId, String id) {
        return db.sql("SELECT " + STORE_COLUMNS + " WHERE s.project_id = :project AND s.id = :id")
                .bind("project", projectId)
                .bind("id", id)
                .map(this::storeView)
                .one()
                .switchIfEmpty(Mono.error(() -> storeNotFound(id)));
    }

    public Mono<ListPage<VectorStoreView>> list(String projectId, ListParams page) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(
                        "SELECT " + STORE_COLUMNS + " WHERE s.project_id = :project AND " + page.sql("s.id"))
                .bind("project", projectId);
        return page.bind(spec)
                .map(this::storeView)
                .all()
                .collectList()
                .map(rows -> ListPage.of(page.ordered(rows), page.limit(), VectorStoreView::id));
    }

    /**
     * Changes {@code name} (when {@code setName}), {@code metadata} (when non-null) and the expiry (when
     * {@code setExpiry}; null days removes it).
     */
    public Mono<VectorStoreView> update(
            String projectId,
            String id,
            @Nullable String name,
            boolean setName,
            @Nullable ObjectNode metadata,
            boolean setExpiry,
            @Nullable Integer expiresAfterDays) {
        return db.sql("""
                        UPDATE vector_stores SET
                          name = CASE WHEN :setName THEN :name ELSE name END,
                          metadata = CASE WHEN :setMetadata THEN CAST(:metadata AS jsonb) ELSE metadata END,
                          expires_after_days = CASE WHEN :setExpiry THEN :days ELSE expires_after_days END,
                          last_active_at = now()
                        WHERE id = :id AND project_id = :project""")
                .bind("setName", setName)
                .bind("name", Parameter.fromOrEmpty(name, String.class))
                .bind("setMetadata", metadata != null)
                .bind("metadata", metadata == null ? "{}" : metadata.toString())
                .bind("setExpiry", setExpiry)
                .bind("days", Parameter.fromOrEmpty(expiresAfterDays, Integer.class))
                .bind("id", id)
                .bind("project", projectId)
                .fetch()
                .rowsUpdated()
                .flatMap(count -> count == 0 ? Mono.error(storeNotFound(id)) : get(projectId, id));
    }

    /** Deletes the store with its attachments and chunks; the files stay. */
    public Mono<Deleted> delete(String projectId, String id) {
        return db.sql("DELETE FROM vector_stores WHERE id = :id AND project_id = :project")
                .bind("id", id)
                .bind("project", projectId)
                .fetch()
                .rowsUpdated()
                .flatMap(count -> count == 0
                        ? Mono.error(storeNotFound(id))
                        : Mono.just(new Deleted(id, "vector_store.deleted", true)));
    }

    // ---- files of a store ---------------------------------------------------------------------------------

    /**
     * Attaches a file ({@code in_progress}); attaching it again starts its ingestion over with the new attributes
     * and chunking ({@code requested}, or the store's when null).
     */
    public Mono<VectorStoreFileView> attach(
            String projectId, String storeId, String fileId, ObjectNode attributes, @Nullable Chunking requested) {
        Mono<VectorStoreFileView> work = storeChunking(projectId, storeId)
                .flatMap(storeDefault -> {
                    Chunking chunking = requested == null ? storeDefault : requested;
                    return requireFiles(projectId, List.of(fileId))
                            .then(upsertAttachment(storeId, fileId, attributes.toString(), chunking));
                })
                .then(Mono.defer(() -> getFile(projectId, storeId, fileId)));
        return tx.transactional(work);
    }

    /** The chunking of files attached without one: the store's, else auto; a 404 when the store is not there. */
    public Mono<Chunking> storeChunking(String projectId, String storeId) {
        return db.sql("SELECT max_chunk_size_tokens, chunk_overlap_tokens FROM vector_stores"
                        + " WHERE id = :id AND project_id = :project")
                .bind("id", storeId)
                .bind("project", projectId)
                .map(row -> {
                    Integer max = row.get("max_chunk_size_tokens", Integer.class);
                    Integer overlap = row.get("chunk_overlap_tokens", Integer.class);
                    return max == null || overlap == null ? Chunking.AUTO : new Chunking(false, max, overlap);
                })
                .one()
                .switchIfEmpty(Mono.error(() -> storeNotFound(storeId)));
    }

    private Mono<Long> upsertAttachment(String storeId, String fileId, String attributes, Chunking chunking) {
        return db.sql("""
                        INSERT INTO vector_store_files (vector_store_id, file_id, status, attributes, chunking_type,
                          max_chunk_size_tokens, chunk_overlap_tokens)
                        VALUES (:store, :file, 'in_progress', CAST(:attributes AS jsonb), :type, :max, :overlap)
                        ON CONFLICT (vector_store_id, file_id) DO UPDATE SET status = 'in_progress',
                          attributes = EXCLUDED.attributes, chunking_type = EXCLUDED.chunking_type,
                          max_chunk_size_tokens = EXCLUDED.max_chunk_size_tokens,
                          chunk_overlap_tokens = EXCLUDED.chunk_overlap_tokens, last_error_code = NULL,
                          last_error_message = NULL, attempts = 0""")
                .bind("store", storeId)
                .bind("file", fileId)
                .bind("attributes", attributes)
                .bind("type", chunking.type())
                .bind("max", chunking.maxChunkSizeTokens())
                .bind("overlap", chunking.chunkOverlapTokens())
                .fetch()
                .rowsUpdated();
    }

    /** Empty when every file is the project's; a 404 naming the first that is not. */
    private Mono<Void> requireFiles(String projectId, List<String> fileIds) {
        if (fileIds.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("SELECT id FROM files WHERE project_id = :project AND id = ANY(CAST(:ids AS text[]))")
                .bind("project", projectId)
                .bind("ids", fileIds.toArray(String[]::new))
                .map(row -> row.get("id", String.class))
                .all()
                .collect(HashSet<String>::new, Set::add)
                .flatMap(found -> {
                    for (String id : fileIds) {
                        if (!found.contains(id)) {
                            return Mono.error(FileStore.notFound(id));
                        }
                    }
                    return Mono.empty();
                });
    }

    public Mono<VectorStoreFileView> getFile(String projectId, String storeId, String fileId) {
        return storeChunking(projectId, storeId)
                .then(db.sql("SELECT " + FILE_COLUMNS + " FROM vector_store_files vf"
                                + " WHERE vf.vector_store_id = :store AND vf.file_id = :file")
                        .bind("store", storeId)
                        .bind("file", fileId)
                        .map(this::fileView)
                        .one())
                .switchIfEmpty(Mono.error(() -> FileStore.notFound(fileId)));
    }

    public Mono<ListPage<VectorStoreFileView>> listFiles(
            String projectId, String storeId, @Nullable String status, ListParams page) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + FILE_COLUMNS + " FROM vector_store_files vf"
                        + " WHERE vf.vector_store_id = :store" + (status == null ? "" : " AND vf.status = :status")
                        + " AND " + page.sql("vf.file_id"))
                .bind("store", storeId);
        if (status != null) {
            spec = spec.bind("status", status);
        }
        Mono<ListPage<VectorStoreFileView>> rows = page.bind(spec)
                .map(this::fileView)
                .all()
                .collectList()
                .map(list -> ListPage.of(page.ordered(list), page.limit(), VectorStoreFileView::id));
        return storeChunking(projectId, storeId).then(rows);
    }

    /**
     * Replaces a file's attributes in a store. A completed file gets a new generation, so that every replica reloads
     * its chunks with the new attributes.
     */
    public Mono<VectorStoreFileView> updateAttributes(
            String projectId, String storeId, String fileId, ObjectNode attributes) {
        Mono<VectorStoreFileView> work = storeChunking(projectId, storeId)
                .then(db.sql("""
                                UPDATE vector_store_files SET attributes = CAST(:attributes AS jsonb),
                                  generation = CASE WHEN status = 'completed' THEN nextval('retrieval_generation')
                                                    ELSE generation END
                                WHERE vector_store_id = :store AND file_id = :file""")
                        .bind("attributes", attributes.toString())
                        .bind("store", storeId)
                        .bind("file", fileId)
                        .fetch()
                        .rowsUpdated())
                .flatMap(count -> count == 0
                        ? Mono.error(FileStore.notFound(fileId))
                        : db.sql("UPDATE chunks SET attributes = CAST(:attributes AS jsonb)"
                                        + " WHERE vector_store_id = :store AND file_id = :file")
                                .bind("attributes", attributes.toString())
                                .bind("store", storeId)
                                .bind("file", fileId)
                                .fetch()
                                .rowsUpdated())
                .then(Mono.defer(() -> getFile(projectId, storeId, fileId)));
        return tx.transactional(work);
    }

    /** Removes a file from a store, with its chunks; the file itself stays. */
    public Mono<Deleted> detach(String projectId, String storeId, String fileId) {
        return storeChunking(projectId, storeId)
                .then(db.sql("DELETE FROM vector_store_files WHERE vector_store_id = :store AND file_id = :file")
                        .bind("store", storeId)
                        .bind("file", fileId)
                        .fetch()
                        .rowsUpdated())
                .flatMap(count -> count == 0
                        ? Mono.error(FileStore.notFound(fileId))
                        : Mono.just(new Deleted(fileId, "vector_store.file.deleted", true)));
    }

    // ---- search -------------------------------------------------------------------------------------------

    /**
     * The completed files and their generations of each of the project's stores among {@code storeIds} (a store
     * that is not the project's is missing), and which of them expired.
     */
    public Mono<SearchedStores> completedFiles(String projectId, List<String> storeIds) {
        // a search is activity: it moves last_active_at (at most once a minute) of the stores that have not expired
        return db.sql("""
                        WITH touched AS (
                          UPDATE vector_stores SET last_active_at = now()
                          WHERE project_id = :project AND id = ANY(CAST(:ids AS text[]))
                            AND last_active_at < now() - interval '1 minute'
                            AND (expires_after_days IS NULL
                                 OR last_active_at + expires_after_days * interval '1 day' > now()))
                        SELECT s.id AS store_id, f.file_id, f.generation,
                          (s.expires_after_days IS NOT NULL
                           AND s.last_active_at + s.expires_after_days * interval '1 day' <= now()) AS expired
                        FROM vector_stores s
                        LEFT JOIN vector_store_files f ON f.vector_store_id = s.id AND f.status = 'completed'
                        WHERE s.project_id = :project AND s.id = ANY(CAST(:ids AS text[]))""")
                .bind("project", projectId)
                .bind("ids", storeIds.toArray(String[]::new))
                .map(row -> new Object[] {
                    row.get("store_id", String.class),
                    row.get("file_id", String.class),
                    row.get("generation", Long.class),
                    row.get("expired", Boolean.class)
                })
                .all()
                .collect(Found::new, (found, row) -> {
                    Map<String, Long> files =
                            found.files().computeIfAbsent((String) row[0], store -> new LinkedHashMap<>());
                    if (row[1] != null && row[2] != null) {
                        files.put((String) row[1], (Long) row[2]);
                    }
                    if (Boolean.TRUE.equals(row[3])) {
                        found.expired().add((String) row[0]);
                    }
                })
                .map(SearchedStores::of);
    }

    /**
     * The stores of a search that belong to the project.
     *
     * @param files   store id to the completed files' generations, for every store of the project asked for
     * @param expired the ones among them that have expired ({@code expires_after})
     */
    public record SearchedStores(Map<String, Map<String, Long>> files, Set<String> expired) {

        public SearchedStores {
            Map<String, Map<String, Long>> copies = new LinkedHashMap<>();
            files.forEach((store, generations) -> copies.put(store, Unmodifiable.map(generations)));
            files = Collections.unmodifiableMap(copies);
            expired = Collections.unmodifiableSet(new LinkedHashSet<>(expired));
        }

        /** The rows as they were collected, copied into the record. */
        private static SearchedStores of(Found found) {
            return new SearchedStores(found.files(), found.expired());
        }
    }

    /** The rows of {@link #completedFiles} while they are collected (a mutable accumulator, hence no record). */
    private static final class Found {

        private final Map<String, Map<String, Long>> files = new LinkedHashMap<>();
        private final Set<String> expired = new LinkedHashSet<>();

        Map<String, Map<String, Long>> files() {
            return files;
        }

        Set<String> expired() {
            return expired;
        }
    }

    // ---- rows ---------------------------------------------------------------------------------------------

    public static InvalidRequestException storeNotFound(String id) {
        return InvalidRequestException.notFound("vector store", id);
    }

    private VectorStoreView storeView(Readable row) {
        long inProgress = number(row, "in_progress");
        FileCounts counts = new FileCounts(
                inProgress,
                number(row, "completed"),
                number(row, "failed"),
                number(row, "cancelled"),
                number(row, "total"));
        OffsetDateTime lastActive = row.get("last_active_at", OffsetDateTime.class);
        Integer days = row.get("expires_after_days", Integer.class);
        Long expiresAt = days == null || lastActive == null ? null : seconds(lastActive.plusDays(days));
        boolean expired = expiresAt != null && expiresAt <= Instant.now().getEpochSecond();
        return new VectorStoreView(
                row.get("id", String.class),
                "vector_store",
                seconds(row.get("created_at", OffsetDateTime.class)),
                row.get("name", String.class),
                number(row, "usage_bytes"),
                counts,
                expired ? "expired" : inProgress > 0 ? "in_progress" : "completed",
                seconds(lastActive),
                json(row.get("metadata", String.class)),
                days == null ? null : new ExpiresAfter("last_active_at", days),
                expiresAt);
    }

    private VectorStoreFileView fileView(Readable row) {
        String code = row.get("last_error_code", String.class);
        LastError error = code == null ? null : new LastError(code, row.get("last_error_message", String.class));
        Chunking chunking = new Chunking(
                "auto".equals(row.get("chunking_type", String.class)),
                row.get("max_chunk_size_tokens", Integer.class),
                row.get("chunk_overlap_tokens", Integer.class));
        return new VectorStoreFileView(
                row.get("file_id", String.class),
                "vector_store.file",
                number(row, "usage_bytes"),
                seconds(row.get("created_at", OffsetDateTime.class)),
                row.get("vector_store_id", String.class),
                row.get("status", String.class),
                error,
                json(row.get("attributes", String.class)),
                chunking.toJson());
    }

    private static long number(Readable row, String column) {
        Long value = row.get(column, Long.class);
        return value == null ? 0 : value.longValue();
    }

    private static long seconds(OffsetDateTime time) {
        return time == null ? 0 : time.toEpochSecond();
    }

    private JsonNode json(String text) {
        return json.readTree(text == null ? "{}" : text);
    }

    /** An attachment: a file in a vector store. */
    public record Key(String storeId, String fileId) {}

    /** A new store and the attachments to ingest once it is committed. */
    public record Created(VectorStoreView store, List<Key> attachments) {

        public Created {
            attachments = List.copyOf(attachments);
        }
    }
}
