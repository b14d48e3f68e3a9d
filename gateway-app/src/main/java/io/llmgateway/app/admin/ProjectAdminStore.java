package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.BodyReader;
import io.llmgateway.core.json.KnownFields;
import io.llmgateway.core.json.Patch;
import io.llmgateway.core.json.StrictBody;
import io.llmgateway.core.protocol.ListPage;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/** Projects and their members; each change audited in its transaction. */
public class ProjectAdminStore {

    private static final String COLUMNS = "id, name, allowed_models, prompt_logging, created_at, updated_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final ModelRouter models;

    public ProjectAdminStore(DatabaseClient db, TransactionalOperator tx, AuditLog audit, ModelRouter models) {
        this.db = db;
        this.tx = tx;
        this.audit = audit;
        this.models = models;
    }

    public Mono<ProjectView> create(AdminActor actor, NewProject project) {
        String id = Ids.chosenOrNew(project.id(), "prj_");
        String name = Checks.requiredText(project.name(), "name", 200);
        List<String> allowed = allowedModels(project.allowedModels());
        boolean promptLogging = Boolean.TRUE.equals(project.promptLogging());
        Mono<ProjectView> work = db.sql("INSERT INTO projects (id, name, allowed_models, prompt_logging)"
                        + " VALUES (:id, :name, :models, :logging) ON CONFLICT DO NOTHING RETURNING " + COLUMNS)
                .bind("id", id)
                .bind("name", name)
                .bind("models", modelsParameter(allowed))
                .bind("logging", promptLogging)
                .map(ProjectAdminStore::view)
                .one()
                .switchIfEmpty(Mono.error(
                        () -> InvalidRequestException.conflict("A project with id '" + id + "' exists already.", "id")))
                .flatMap(created -> audit.record(
                                actor, "project.created", "project", id, details(name, allowed, true, promptLogging))
                        .thenReturn(created));
        return tx.transactional(work);
    }

    public Mono<ListPage<ProjectView>> list(Paging paging) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + COLUMNS + " FROM projects "
                + "WHERE (CAST(:after AS text) IS NULL OR id > CAST(:after AS text)) ORDER BY id LIMIT :limit");
        spec = paging.bind(spec);
        return spec.map(ProjectAdminStore::view)
                .all()
                .collectList()
                .map(rows -> ListPage.of(rows, paging.limit(), ProjectView::id));
    }

    public Mono<ProjectView> get(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM projects WHERE id = :id")
                .bind("id", id)
                .map(ProjectAdminStore::view)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("project", id)));
    }

    /**
     * Changes {@code name}, {@code allowed_models} ({@code null}: every model) and {@code prompt_logging} when
     * present.
     */
    public Mono<ProjectView> update(AdminActor actor, String id, ProjectPatch patch) {
        boolean setName = patch.name().present();
        String name = patch.name().value();
        boolean setModels = patch.allowedModels().present();
        List<String> allowed = allowedModels(patch.allowedModels().value());
        boolean setLogging = patch.promptLogging().present();
        Boolean promptLogging = patch.promptLogging().value();
        Map<String, Object> details = details(setName ? name : null, allowed, setModels, promptLogging);
        Mono<ProjectView> work = db.sql("""
                        UPDATE projects SET
                          name = CASE WHEN :setName THEN :name ELSE name END,
                          allowed_models = CASE WHEN :setModels THEN :models ELSE allowed_models END,
                          prompt_logging = CASE WHEN :setLogging THEN :logging ELSE prompt_logging END,
                          updated_at = now()
                        WHERE id = :id RETURNING\s""" + COLUMNS)
                .bind("id", id)
                .bind("setName", setName)
                .bind("name", Checks.nullable(name))
                .bind("setModels", setModels)
                .bind("models", modelsParameter(allowed))
                .bind("setLogging", setLogging)
                .bind("logging", Boolean.TRUE.equals(promptLogging))
                .map(ProjectAdminStore::view)
                .one()
                .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("project", id)))
                .flatMap(updated -> audit.record(actor, "project.updated", "project", id, details)
                        .thenReturn(updated));
        return tx.transactional(work);
    }

    /** Deletes the project with its memberships and service keys; users keep existing. */
    public Mono<UserAdminStore.Deleted> delete(AdminActor actor, String id) {
        Mono<UserAdminStore.Deleted> work = db.sql("DELETE FROM projects WHERE id = :id")
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .flatMap(count -> count == 0
                        ? Mono.error(InvalidRequestException.notFound("project", id))
                        : audit.record(actor, "project.deleted", "project", id, Map.of())
                                .thenReturn(new UserAdminStore.Deleted(id, "project.deleted", true)));
        return tx.transactional(work);
    }

    public Mono<MemberView> putMember(AdminActor actor, String projectId, String userId, @Nullable String role) {
        if (role == null || (!"member".equals(role) && !"owner".equals(role))) {
            throw InvalidRequestException.invalidParameter("role", "'role' must be 'member' or 'owner'.");
        }
        Mono<MemberView> work = get(projectId)
                .then(db.sql("SELECT 1 FROM users WHERE id = :id")
                        .bind("id", userId)
                        .map(row -> 1)
                        .one()
                        .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("user", userId))))
                .then(db.sql("""
                                INSERT INTO memberships (project_id, user_id, role) VALUES (:project, :user, :role)
                                ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role""")
                        .bind("project", projectId)
                        .bind("user", userId)
                        .bind("role", role)
                        .fetch()
                        .rowsUpdated())
                .then(audit.record(
                        actor, "project.member.put", "project", projectId, Map.of("user_id", userId, "role", role)))
                .thenReturn(new MemberView("project.member", projectId, userId, role));
        return tx.transactional(work);
    }

    public Mono<UserAdminStore.Deleted> deleteMember(AdminActor actor, String projectId, String userId) {
        Mono<UserAdminStore.Deleted> work = db.sql(
                        "DELETE FROM memberships WHERE project_id = :project AND user_id = :user")
                .bind("project", projectId)
                .bind("user", userId)
                .fetch()
                .rowsUpdated()
                .flatMap(count -> count == 0
                        ? Mono.error(InvalidRequestException.notFound("membership", projectId + "/" + userId))
                        : audit.record(actor, "project.member.deleted", "project", projectId, Map.of("user_id", userId))
                                .thenReturn(new UserAdminStore.Deleted(userId, "project.member.deleted", true)));
        return tx.transactional(work);
    }

    public Mono<ListPage<MemberView>> members(String projectId, Paging paging) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT user_id, role FROM memberships "
                        + "WHERE project_id = :project AND (CAST(:after AS text) IS NULL OR user_id > CAST(:after AS text)) "
                        + "ORDER BY user_id LIMIT :limit")
                .bind("project", projectId);
        spec = paging.bind(spec);
        return get(projectId)
                .then(spec.map(row -> new MemberView(
                                "project.member",
                                projectId,
                                row.get("user_id", String.class),
                                row.get("role", String.class)))
                        .all()
                        .collectList())
                .map(rows -> ListPage.of(rows, paging.limit(), MemberView::userId));
    }

    /** Allowed model ids must be configured ones, so a typo is caught now and not at request time. */
    private @Nullable List<String> allowedModels(@Nullable List<String> requested) {
        if (requested == null) {
            return null;
        }
        Set<String> known = models.routes().stream().map(Route::modelId).collect(Collectors.toSet());
        for (String id : requested) {
            if (!known.contains(id)) {
                throw InvalidRequestException.invalidParameter(
                        "allowed_models", "'" + id + "' is not a configured model id.");
            }
        }
        return List.copyOf(new LinkedHashSet<>(requested));
    }

    private static Parameter modelsParameter(@Nullable List<String> allowed) {
        return Parameter.fromOrEmpty(allowed == null ? null : allowed.toArray(String[]::new), String[].class);
    }

    private static Map<String, Object> details(
            @Nullable String name, @Nullable List<String> allowed, boolean modelsSet, @Nullable Boolean promptLogging) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (promptLogging != null) {
            details.put("prompt_logging", promptLogging);
        }
        if (name != null) {
            details.put("name", name);
        }
        if (modelsSet) {
            details.put("allowed_models", allowed);
        }
        return details;
    }

    private static ProjectView view(Readable row) {
        String[] allowed = row.get("allowed_models", String[].class);
        return new ProjectView(
                row.get("id", String.class),
                "project",
                row.get("name", String.class),
                allowed == null ? null : Arrays.asList(allowed),
                Boolean.TRUE.equals(row.get("prompt_logging", Boolean.class)),
                Timestamps.requiredSeconds(row.get("created_at", OffsetDateTime.class)),
                Timestamps.requiredSeconds(row.get("updated_at", OffsetDateTime.class)));
    }

    /** The body of {@code POST /admin/v1/projects}. */
    public record NewProject(
            @Nullable String id,
            @Nullable String name,
            @JsonProperty("allowed_models") @Nullable List<String> allowedModels,
            @JsonProperty("prompt_logging") @Nullable Boolean promptLogging)
            implements StrictBody {}

    /**
     * The body of {@code PATCH /admin/v1/projects/{id}}: each field absent (unchanged) or a value; only
     * {@code allowed_models} may be null (every model). An unknown field is a 400.
     */
    @JsonDeserialize(using = ProjectPatch.Reader.class)
    public record ProjectPatch(Patch<String> name, Patch<List<String>> allowedModels, Patch<Boolean> promptLogging) {

        private static final Set<String> FIELDS = Set.of("name", "allowed_models", "prompt_logging");

        /** The checked body, but for whether the models are configured ones (the store knows them). */
        static ProjectPatch from(JsonNode body) {
            Checks.object(body);
            KnownFields.check(body, "", FIELDS);
            return new ProjectPatch(name(body.get("name")), models(body.get("allowed_models")), logging(body));
        }

        private static Patch<String> name(JsonNode value) {
            if (value == null) {
                return Patch.absent();
            }
            return Patch.of(Checks.requiredText(value.isString() ? value.stringValue() : null, "name", 200));
        }

        private static Patch<List<String>> models(JsonNode value) {
            if (value == null) {
                return Patch.absent();
            }
            if (value.isNull()) {
                return Patch.of(null);
            }
            if (!value.isArray()) {
                throw InvalidRequestException.invalidParameter(
                        "allowed_models", "'allowed_models' must be a list of model ids or null.");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode element : value) {
                if (!element.isString()) {
                    throw InvalidRequestException.invalidParameter(
                            "allowed_models", "'allowed_models' must be a list of model ids or null.");
                }
                ids.add(element.stringValue());
            }
            return Patch.of(List.copyOf(ids));
        }

        private static Patch<Boolean> logging(JsonNode body) {
            JsonNode value = body.get("prompt_logging");
            if (value == null) {
                return Patch.absent();
            }
            if (!value.isBoolean()) {
                throw InvalidRequestException.invalidParameter(
                        "prompt_logging", "'prompt_logging' must be true or false.");
            }
            return Patch.of(value.booleanValue());
        }

        static final class Reader extends BodyReader<ProjectPatch> {
            Reader() {
                super(ProjectPatch::from);
            }
        }
    }

    /** A project as the admin API shows it; {@code allowed_models} null means every model. */
    public record ProjectView(
            String id,
            String object,
            String name,
            @JsonProperty("allowed_models") @Nullable List<String> allowedModels,
            @JsonProperty("prompt_logging") boolean promptLogging,
            @JsonProperty("created_at") Long createdAt,
            @JsonProperty("updated_at") Long updatedAt) {}

    /** A membership. */
    public record MemberView(
            String object,
            @JsonProperty("project_id") String projectId,
            @JsonProperty("user_id") String userId,
            String role) {}
}
