package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.auth.key.SecretHash;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.StrictBody;
import io.llmgateway.core.protocol.ListPage;
import io.r2dbc.spi.Readable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Per-project service keys and per-user personal access tokens: issue (the secret is returned once and only
 * its hash is stored), list (metadata only), revoke, rotate. Each change audited in its transaction.
 */
public class KeyAdminStore {

    private static final String COLUMNS =
            "id, kind, name, user_id, project_id, last_four, created_at, last_used_at, expires_at, revoked_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final ApiKeyFormat format;
    private final Clock clock;

    public KeyAdminStore(
            DatabaseClient db, TransactionalOperator tx, AuditLog audit, ApiKeyFormat format, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
        this.format = format;
        this.clock = clock;
    }

    /** A new service key of a project. */
    public Mono<IssuedKeyView> issueServiceKey(AdminActor actor, String projectId, NewKey request) {
        return issue(
                actor,
                KeyKind.SERVICE,
                request,
                null,
                projectId,
                db.sql("SELECT 1 FROM projects WHERE id = :id")
                        .bind("id", projectId)
                        .map(r -> 1)
                        .one()
                        .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("project", projectId))));
    }

    /** A new personal access token of a user. */
    public Mono<IssuedKeyView> issueToken(AdminActor actor, String userId, NewKey request) {
        return issue(
                actor,
                KeyKind.PAT,
                request,
                userId,
                null,
                db.sql("SELECT 1 FROM users WHERE id = :id")
                        .bind("id", userId)
                        .map(r -> 1)
                        .one()
                        .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("user", userId))));
    }

    private Mono<IssuedKeyView> issue(
            AdminActor actor,
            KeyKind kind,
            NewKey request,
            @Nullable String userId,
            @Nullable String projectId,
            Mono<Integer> ownerExists) {
        if (request == null) {
            throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
        }
        String name = Checks.requiredText(request.name(), "name", 128);
        Instant expiresAt = request.expiresAt();
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw InvalidRequestException.invalidParameter("expires_at", "'expires_at' must be in the future.");
        }
        if (expiresAt != null && expiresAt.isAfter(LATEST_EXPIRY)) {
            throw InvalidRequestException.invalidParameter(
                    "expires_at",
                    "'expires_at' must be before the year 10000; leave it out for a key that does not expire.");
        }
        Mono<IssuedKeyView> work = ownerExists
                .then(issueOffLoop(() -> format.issue(kind)))
                .flatMap(key -> db.sql(
                                "INSERT INTO api_keys (id, kind, name, user_id, project_id, secret_hash, last_four, "
                                        + "expires_at) VALUES (:id, :kind, :name, :user, :project, :hash, :lastFour, :expires) "
                                        + "RETURNING " + COLUMNS)
                        .bind("id", key.keyId())
                        .bind("kind", kind.storedName())
                        .bind("name", name)
                        .bind("user", Checks.nullable(userId))
                        .bind("project", Checks.nullable(projectId))
                        .bind("hash", SecretHash.of(key.secret()))
                        .bind("lastFour", key.lastFour())
                        .bind("expires", Parameter.fromOrEmpty(Timestamps.utc(expiresAt), OffsetDateTime.class))
                        .map(KeyAdminStore::view)
                        .one()
                        .flatMap(view -> audit.record(
                                        actor,
                                        kind == KeyKind.PAT ? "token.created" : "key.created",
                                        kind == KeyKind.PAT ? "token" : "key",
                                        key.keyId(),
                                        AuditLog.details(
                                                "name",
                                                name,
                                                "user_id",
                                                userId,
                                                "project_id",
                                                projectId,
                                                "expires_at",
                                                expiresAt == null ? null : expiresAt.getEpochSecond()))
                                .thenReturn(IssuedKeyView.of(view, key.token()))));
        return tx.transactional(work);
    }

    public Mono<ListPage<KeyView>> listForProject(String projectId, Paging paging) {
        return db.sql("SELECT 1 FROM projects WHERE id = :id")
                .bind("id", projectId)
                .map(r -> 1)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("project", projectId)))
                .then(list("project_id", projectId, KeyKind.SERVICE, paging));
    }

    public Mono<ListPage<KeyView>> listForUser(String userId, Paging paging) {
        return db.sql("SELECT 1 FROM users WHERE id = :id")
                .bind("id", userId)
                .map(r -> 1)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("user", userId)))
                .then(list("user_id", userId, KeyKind.PAT, paging));
    }

    private Mono<ListPage<KeyView>> list(String ownerColumn, String owner, KeyKind kind, Paging paging) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE "
                        + ownerColumn + " = :owner AND kind = :kind "
                        + "AND (CAST(:after AS text) IS NULL OR id > CAST(:after AS text)) ORDER BY id LIMIT :limit")
                .bind("owner", owner)
                .bind("kind", kind.storedName());
        spec = paging.bind(spec);
        return spec.map(KeyAdminStore::view)
                .all()
                .collectList()
                .map(rows -> ListPage.of(rows, paging.limit(), KeyView::id));
    }

    /** Revokes a key of the owner; it stops working on every replica within a second. Idempotent. */
    public Mono<KeyView> revoke(AdminActor actor, String ownerColumn, String owner, String keyId) {
        String kind = "user_id".equals(ownerColumn) ? "token" : "key";
        Mono<KeyView> work = db.sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = :id AND "
                        + ownerColumn + " = :owner RETURNING " + COLUMNS)
                .bind("id", keyId)
                .bind("owner", owner)
                .map(KeyAdminStore::view)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound(kind, keyId)))
                .flatMap(view -> audit.record(actor, kind + ".revoked", kind, keyId, Map.of())
                        .thenReturn(view));
        return tx.transactional(work);
    }

    /**
     * A new secret for a service key; the key id stays. With a grace period the old secret keeps working that
     * long, without one it stops at once.
     */
    public Mono<IssuedKeyView> rotate(AdminActor actor, String projectId, String keyId, @Nullable Long graceSeconds) {
        long grace = graceSeconds == null ? 0 : graceSeconds;
        if (grace < 0 || grace > 30L * 24 * 3600) {
            throw InvalidRequestException.invalidParameter(
                    "grace_period_seconds", "'grace_period_seconds' must be between 0 and 2592000 (30 days).");
        }
        OffsetDateTime graceEnd =
                grace == 0 ? null : Timestamps.utc(clock.instant().plusSeconds(grace));
        Mono<IssuedKeyView> work = issueOffLoop(() -> format.issue(KeyKind.SERVICE, keyId))
                .flatMap(key -> db.sql("""
                        UPDATE api_keys SET
                          previous_secret_hash = CASE WHEN :grace THEN secret_hash ELSE NULL END,
                          previous_secret_expires_at = :graceEnd,
                          secret_hash = :hash,
                          last_four = :lastFour
                        WHERE id = :id AND project_id = :project AND kind = 'service' AND revoked_at IS NULL
                        RETURNING\s""" + COLUMNS)
                        .bind("grace", graceEnd != null)
                        .bind("graceEnd", Parameter.fromOrEmpty(graceEnd, OffsetDateTime.class))
                        .bind("hash", SecretHash.of(key.secret()))
                        .bind("lastFour", key.lastFour())
                        .bind("id", keyId)
                        .bind("project", projectId)
                        .map(KeyAdminStore::view)
                        .one()
                        .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("active key", keyId)))
                        .flatMap(view -> audit.record(
                                        actor, "key.rotated", "key", keyId, Map.of("grace_period_seconds", grace))
                                .thenReturn(IssuedKeyView.of(view, key.token()))));
        return tx.transactional(work);
    }

    /**
     * Key material comes from {@link java.security.SecureRandom}, which may read the kernel's entropy device:
     * blocking I/O, so it runs on the bounded elastic scheduler, never on an event loop.
     */
    private static Mono<ApiKeyFormat.IssuedKey> issueOffLoop(Supplier<ApiKeyFormat.IssuedKey> issue) {
        return Mono.fromSupplier(issue).subscribeOn(Schedulers.boundedElastic());
    }

    private static KeyView view(Readable row) {
        KeyKind kind = KeyKind.fromStoredName(row.get("kind", String.class));
        return new KeyView(
                row.get("id", String.class),
                kind == KeyKind.PAT ? "personal_access_token" : "service_key",
                row.get("name", String.class),
                kind.prefix(),
                row.get("last_four", String.class),
                row.get("project_id", String.class),
                row.get("user_id", String.class),
                Timestamps.requiredSeconds(row.get("created_at", OffsetDateTime.class)),
                Timestamps.seconds(row.get("last_used_at", OffsetDateTime.class)),
                Timestamps.seconds(row.get("expires_at", OffsetDateTime.class)),
                Timestamps.seconds(row.get("revoked_at", OffsetDateTime.class)));
    }

    /** The body that issues a key: a name and an optional expiry (Unix seconds or ISO-8601). */
    /** The latest expiry accepted: far beyond any key's life, well within what the database stores. */
    private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    public record NewKey(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 128) @Nullable String name,

            @JsonProperty("expires_at")
            @Schema(
                    description = "Unix seconds or an ISO-8601 time; never when absent.",
                    oneOf = {Long.class, OffsetDateTime.class})
            @Nullable Instant expiresAt)
            implements StrictBody {}

    /** The body of a rotation. */
    public record Rotation(
            @JsonProperty("grace_period_seconds") @Nullable Long gracePeriodSeconds) implements StrictBody {}

    /** A key's metadata; never its secret. */
    public record KeyView(
            String id,
            String object,
            String name,
            String prefix,
            @JsonProperty("last_four") String lastFour,
            @JsonProperty("project_id") @Nullable String projectId,
            @JsonProperty("user_id") @Nullable String userId,
            @JsonProperty("created_at") Long createdAt,
            @JsonProperty("last_used_at") @Nullable Long lastUsedAt,
            @JsonProperty("expires_at") @Nullable Long expiresAt,
            @JsonProperty("revoked_at") @Nullable Long revokedAt) {}

    /** A key just issued or rotated: the only answer that ever carries the key itself. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record IssuedKeyView(
            String id,
            String object,
            String name,
            String key,
            String prefix,
            @JsonProperty("last_four") String lastFour,
            @JsonProperty("project_id") @Nullable String projectId,
            @JsonProperty("user_id") @Nullable String userId,
            @JsonProperty("created_at") Long createdAt,
            @JsonProperty("expires_at") @Nullable Long expiresAt) {

        static IssuedKeyView of(KeyView view, String token) {
            return new IssuedKeyView(
                    view.id(),
                    view.object(),
                    view.name(),
                    token,
                    view.prefix(),
                    view.lastFour(),
                    view.projectId(),
                    view.userId(),
                    view.createdAt(),
                    view.expiresAt());
        }

        @Override
        public String toString() {
            return "IssuedKeyView[" + id + "]";
        }
    }
}
