package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.BodyReader;
import io.llmgateway.core.json.KnownFields;
import io.llmgateway.core.json.Patch;
import io.llmgateway.core.json.StrictBody;
import io.llmgateway.core.protocol.ListPage;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/** Users: create, list, read, change, delete; each change audited in its transaction. */
public class UserAdminStore {

    private static final String COLUMNS = "id, name, email, default_project_id, role, created_at, updated_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;

    public UserAdminStore(DatabaseClient db, TransactionalOperator tx, AuditLog audit) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
    }

    public Mono<UserView> create(AdminActor actor, NewUser user) {
        String id = Ids.chosenOrNew(user.id(), "usr_");
        String email = Checks.optionalEmail(user.email());
        String name = Checks.optionalText(user.name(), "name", 200);
        String role = role(user.role());
        Mono<UserView> work = Checks.projectExists(db, user.defaultProjectId(), "default_project_id")
                .then(db.sql("""
                                INSERT INTO users (id, name, email, default_project_id, role)
                                VALUES (:id, :name, :email, :project, :role) ON CONFLICT DO NOTHING RETURNING\s""" + COLUMNS)
                        .bind("id", id)
                        .bind("role", Checks.nullable(role))
                        .bind("name", Checks.nullable(name))
                        .bind("email", Checks.nullable(email))
                        .bind("project", Checks.nullable(user.defaultProjectId()))
                        .map(UserAdminStore::view)
                        .one())
                .switchIfEmpty(Mono.error(
                        () -> InvalidRequestException.conflict("A user with this id or email exists already.", "id")))
                .flatMap(created -> joinDefaultProject(created).thenReturn(created))
                .flatMap(created -> audit.record(
                                actor,
                                "user.created",
                                "user",
                                id,
                                AuditLog.details(
                                        "name",
                                        name,
                                        "email",
                                        email,
                                        "default_project_id",
                                        user.defaultProjectId(),
                                        "role",
                                        role))
                        .thenReturn(created));
        return tx.transactional(work);
    }

    public Mono<ListPage<UserView>> list(Paging paging) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + COLUMNS + " FROM users "
                + "WHERE (CAST(:after AS text) IS NULL OR id > CAST(:after AS text)) ORDER BY id LIMIT :limit");
        spec = paging.bind(spec);
        return spec.map(UserAdminStore::view)
                .all()
                .collectList()
                .map(rows -> ListPage.of(rows, paging.limit(), UserView::id));
    }

    public Mono<UserView> get(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id)
                .map(UserAdminStore::view)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("user", id)));
    }

    /** Changes the fields present in {@code patch}: {@code name}, {@code email}, {@code default_project_id}. */
    public Mono<UserView> update(AdminActor actor, String id, UserPatch patch) {
        Map<String, Object> changes = new LinkedHashMap<>();
        if (patch.name().present()) {
            changes.put("name", patch.name().value());
        }
        if (patch.email().present()) {
            changes.put("email", patch.email().value());
        }
        if (patch.defaultProjectId().present()) {
            changes.put("default_project_id", patch.defaultProjectId().value());
        }
        if (patch.role().present()) {
            changes.put("role", role(patch.role().value()));
        }
        String project = (String) changes.get("default_project_id");
        Mono<UserView> work = get(id).flatMap(existing ->
                        Checks.projectExists(db, project, "default_project_id").thenReturn(existing))
                .flatMap(existing -> db.sql("""
                                UPDATE users SET
                                  name = CASE WHEN :setName THEN :name ELSE name END,
                                  email = CASE WHEN :setEmail THEN :email ELSE email END,
                                  default_project_id = CASE WHEN :setProject THEN :project ELSE default_project_id END,
                                  role = CASE WHEN :setRole THEN :role ELSE role END,
                                  updated_at = now()
                                WHERE id = :id RETURNING\s""" + COLUMNS)
                        .bind("id", id)
                        .bind("setName", changes.containsKey("name"))
                        .bind("name", Checks.nullable((String) changes.get("name")))
                        .bind("setEmail", changes.containsKey("email"))
                        .bind("email", Checks.nullable((String) changes.get("email")))
                        .bind("setProject", changes.containsKey("default_project_id"))
                        .bind("project", Checks.nullable(project))
                        .bind("setRole", changes.containsKey("role"))
                        .bind("role", Checks.nullable((String) changes.get("role")))
                        .map(UserAdminStore::view)
                        .one())
                .onErrorMap(
                        DuplicateKeyException.class,
                        e -> InvalidRequestException.conflict("A user with this email exists already.", "email"))
                .flatMap(updated -> joinDefaultProject(updated).thenReturn(updated))
                .flatMap(updated ->
                        audit.record(actor, "user.updated", "user", id, changes).thenReturn(updated));
        return tx.transactional(work);
    }

    public Mono<Deleted> delete(AdminActor actor, String id) {
        Mono<Deleted> work = db.sql("DELETE FROM users WHERE id = :id")
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .flatMap(count -> count == 0
                        ? Mono.error(InvalidRequestException.notFound("user", id))
                        : audit.record(actor, "user.deleted", "user", id, Map.of())
                                .thenReturn(new Deleted(id, "user.deleted", true)));
        return tx.transactional(work);
    }

    /** A gateway-wide role as sent: {@code administrator}, {@code auditor} or null (none); anything else a 400. */
    private static @Nullable String role(@Nullable String requested) {
        if (requested != null && UserRole.fromWire(requested) == null) {
            throw InvalidRequestException.invalidParameter(
                    "role", "'role' must be 'administrator', 'auditor' or null.");
        }
        return requested;
    }

    /** A user's default project is one they belong to: setting it makes them a member if they were not. */
    private Mono<Void> joinDefaultProject(UserView user) {
        if (user.defaultProjectId() == null) {
            return Mono.empty();
        }
        return db.sql("""
                        INSERT INTO memberships (project_id, user_id, role) VALUES (:project, :user, 'member')
                        ON CONFLICT DO NOTHING""")
                .bind("project", user.defaultProjectId())
                .bind("user", user.id())
                .fetch()
                .rowsUpdated()
                .then();
    }

    private static UserView view(Readable row) {
        return new UserView(
                row.get("id", String.class),
                "user",
                row.get("name", String.class),
                row.get("email", String.class),
                row.get("default_project_id", String.class),
                row.get("role", String.class),
                Timestamps.requiredSeconds(row.get("created_at", OffsetDateTime.class)),
                Timestamps.requiredSeconds(row.get("updated_at", OffsetDateTime.class)));
    }

    /** The body of {@code POST /admin/v1/users}. */
    public record NewUser(
            @Nullable String id,
            @Nullable String name,
            @Nullable String email,
            @JsonProperty("default_project_id") @Nullable String defaultProjectId,
            @Nullable String role)
            implements StrictBody {}

    /**
     * The body of {@code PATCH /admin/v1/users/{id}}: each field absent (unchanged), null (cleared) or a value; an
     * unknown field is a 400.
     */
    @JsonDeserialize(using = UserPatch.Reader.class)
    public record UserPatch(
            Patch<String> name, Patch<String> email, Patch<String> defaultProjectId, Patch<String> role) {

        private static final Set<String> FIELDS = Set.of("name", "email", "default_project_id", "role");

        /** The checked body; a 400 naming the first field at fault. */
        static UserPatch from(JsonNode body) {
            Checks.object(body);
            KnownFields.check(body, "", FIELDS);
            return new UserPatch(
                    text(body, "name").map(name -> Checks.optionalText(name, "name", 200)),
                    text(body, "email").map(Checks::optionalEmail),
                    text(body, "default_project_id"),
                    text(body, "role"));
        }

        private static Patch<String> text(JsonNode body, String field) {
            JsonNode value = body.get(field);
            if (value == null) {
                return Patch.absent();
            }
            if (!value.isNull() && !value.isString()) {
                throw InvalidRequestException.invalidParameter(field, "'" + field + "' must be a string or null.");
            }
            return Patch.of(value.isNull() ? null : value.stringValue());
        }

        static final class Reader extends BodyReader<UserPatch> {
            Reader() {
                super(UserPatch::from);
            }
        }
    }

    /** A user as the admin API shows it. */
    public record UserView(
            String id,
            String object,
            @Nullable String name,
            @Nullable String email,
            @JsonProperty("default_project_id") @Nullable String defaultProjectId,
            @Nullable String role,
            @JsonProperty("created_at") Long createdAt,
            @JsonProperty("updated_at") Long updatedAt) {}

    /** The answer to a deletion. */
    public record Deleted(String id, String object, boolean deleted) {}
}
