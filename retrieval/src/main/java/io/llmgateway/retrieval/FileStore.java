package io.llmgateway.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import io.llmgateway.retrieval.RetrievalViews.Deleted;
import io.llmgateway.retrieval.RetrievalViews.FileView;
import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;

/** Uploaded files in PostgreSQL, always within one project: another project's file does not exist (404). */
public class FileStore {

    private static final String COLUMNS = "id, filename, purpose, size, created_at";

    private final DatabaseClient db;

    public FileStore(DatabaseClient db) {
        this.db = db;
    }

    public Mono<FileView> create(
            String projectId, String filename, String purpose, @Nullable String contentType, byte[] content) {
        String id = RetrievalIds.newFileId();
        return db.sql("INSERT INTO files (id, project_id, filename, purpose, content_type, bytes, size)"
                        + " VALUES (:id, :project, :filename, :purpose, :type, :bytes, :size) RETURNING " + COLUMNS)
                .bind("id", id)
                .bind("project", projectId)
                .bind("filename", filename)
                .bind("purpose", purpose)
                .bind("type", Parameter.fromOrEmpty(contentType, String.class))
                .bind("bytes", ByteBuffer.wrap(content))
                .bind("size", (long) content.length)
                .map(FileStore::view)
                .one();
    }

    public Mono<FileView> get(String projectId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM files WHERE id = :id AND project_id = :project")
                .bind("id", id)
                .bind("project", projectId)
                .map(FileStore::view)
                .one()
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** The stored bytes of a file, with its name and content type. */
    public Mono<Content> content(String projectId, String id) {
        return db.sql("SELECT filename, content_type, bytes FROM files WHERE id = :id AND project_id = :project")
                .bind("id", id)
                .bind("project", projectId)
                .map(row -> {
                    ByteBuffer buffer = row.get("bytes", ByteBuffer.class);
                    byte[] bytes = new byte[buffer == null ? 0 : buffer.remaining()];
                    if (buffer != null) {
                        buffer.get(bytes);
                    }
                    return new Content(row.get("filename", String.class), row.get("content_type", String.class), bytes);
                })
                .one()
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    public Mono<ListPage<FileView>> list(String projectId, @Nullable String purpose, ListParams page) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + COLUMNS + " FROM files WHERE project_id = :project"
                        + (purpose == null ? "" : " AND purpose = :purpose") + " AND " + page.sql("id"))
                .bind("project", projectId);
        if (purpose != null) {
            spec = spec.bind("purpose", purpose);
        }
        return page.bind(spec)
                .map(FileStore::view)
                .all()
                .collectList()
                .map(rows -> ListPage.of(page.ordered(rows), page.limit(), FileView::id));
    }

    /** Deletes the file; by cascade it leaves every vector store it was in, with its chunks. */
    public Mono<Deleted> delete(String projectId, String id) {
        return db.sql("DELETE FROM files WHERE id = :id AND project_id = :project")
                .bind("id", id)
                .bind("project", projectId)
                .fetch()
                .rowsUpdated()
                .flatMap(count -> count == 0 ? Mono.error(notFound(id)) : Mono.just(new Deleted(id, "file", true)));
    }

    public static InvalidRequestException notFound(String id) {
        return InvalidRequestException.notFound("file", id);
    }

    private static FileView view(Readable row) {
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        Long size = row.get("size", Long.class);
        return FileView.of(
                row.get("id", String.class),
                size == null ? 0 : size,
                created == null ? 0 : created.toEpochSecond(),
                row.get("filename", String.class),
                row.get("purpose", String.class));
    }

    /** A file's content as uploaded. */
    public record Content(String filename, String contentType, byte[] bytes) {}
}
