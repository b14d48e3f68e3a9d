package io.llmgateway.app.identity;

import io.llmgateway.app.persistence.Lookups;
import io.llmgateway.auth.identity.IdentityStore;
import io.llmgateway.auth.identity.KeyRecord;
import io.llmgateway.auth.identity.ProjectRecord;
import io.llmgateway.auth.identity.UserRecord;
import io.llmgateway.auth.key.KeyKind;
import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** Identities read from PostgreSQL over R2DBC, each look-up bounded in time ({@link Lookups}). */
public class R2dbcIdentityStore implements IdentityStore {

    private final DatabaseClient db;

    public R2dbcIdentityStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<KeyRecord> findKey(String keyId) {
        return Lookups.bounded(
                db.sql("""
                        SELECT id, kind, name, user_id, project_id, secret_hash, previous_secret_hash,
                               previous_secret_expires_at, expires_at, revoked_at
                        FROM api_keys WHERE id = :id""")
                        .bind("id", keyId)
                        .map(row -> new KeyRecord(
                                row.get("id", String.class),
                                KeyKind.fromStoredName(row.get("kind", String.class)),
                                row.get("name", String.class),
                                row.get("user_id", String.class),
                                row.get("project_id", String.class),
                                Objects.requireNonNull(bytes(row, "secret_hash"), "secret_hash is NOT NULL"),
                                bytes(row, "previous_secret_hash"),
                                instant(row, "previous_secret_expires_at"),
                                instant(row, "expires_at"),
                                instant(row, "revoked_at")))
                        .one(),
                "key");
    }

    @Override
    public Mono<UserRecord> findUser(String userId) {
        return Lookups.bounded(
                db.sql("SELECT id, default_project_id, role FROM users WHERE id = :id")
                        .bind("id", userId)
                        .map(row -> new UserRecord(
                                row.get("id", String.class),
                                row.get("default_project_id", String.class),
                                row.get("role", String.class)))
                        .one(),
                "user");
    }

    @Override
    public Mono<ProjectRecord> findProject(String projectId) {
        return Lookups.bounded(
                db.sql("SELECT id, name, allowed_models, prompt_logging FROM projects WHERE id = :id")
                        .bind("id", projectId)
                        .map(row -> new ProjectRecord(
                                row.get("id", String.class),
                                row.get("name", String.class),
                                strings(row, "allowed_models"),
                                Boolean.TRUE.equals(row.get("prompt_logging", Boolean.class))))
                        .one(),
                "project");
    }

    @Override
    public Mono<String> findRole(String projectId, String userId) {
        return Lookups.bounded(
                db.sql("SELECT role FROM memberships WHERE project_id = :project AND user_id = :user")
                        .bind("project", projectId)
                        .bind("user", userId)
                        .map(row -> row.get("role", String.class))
                        .one(),
                "membership");
    }

    static byte @Nullable [] bytes(Readable row, String column) {
        Object value = row.get(column);
        if (value == null) {
            return null;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        return (byte[]) value;
    }

    static @Nullable Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static @Nullable List<String> strings(Readable row, String column) {
        String[] values = row.get(column, String[].class);
        return values == null ? null : Arrays.asList(values);
    }
}
