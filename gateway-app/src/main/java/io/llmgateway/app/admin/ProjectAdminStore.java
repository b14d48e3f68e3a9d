package io.llmgateway.app.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.BodyReader;
import io.llmgateway.core.json.KnownFields;
import io.llmgateway.core.json.Patch;
import io.llmgateway.core.json.StrictBody;
import io.llmgateway.core.protocol.ListPage;
import io.r2dbc.spi.Readable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    private static final String COLUMNS = "id, name, allowed_models, model_cap, prompt_logging, created_at, updated_at";

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
        List<String> cap = configuredModels(project.modelCap(), "model_cap");
        List<String> allowed = configuredModels(project.allowedModels(), "allowed_models");
        if (allowed == null && cap != null) {
            allowed = cap;
        }
        checkWithinCap(allowed, cap);
        boolean promptLogging = Boolean.TRUE.equals(project.promptLogging());
        Map<String, Object> details = details(name, allowed, true, promptLogging);
        if (cap != null) {
            details.put("model_cap", cap);
        }
        Mono<ProjectView> work = db.sql("INSERT INTO projects (id, name, allowed_models, model_cap, prompt_logging)"
                        + " VALUES (:id, :name, :models, :cap, :logging) ON CONFLICT DO NOTHING RETURNING " + COLUMNS)
                .bind("id", id)
                .bind("name", name)
                .bind("models", modelsParameter(allowed))
                .bind("cap", modelsParameter(cap))
                .bind("logging", promptLogging)
                .map(ProjectAdminStore::view)
                .one()
                .switchIfEmpty(Mono.error(
                        () -> InvalidRequestException.conflict("A project with id '" + id + "' exists already.", "id")))
                .flatMap(created -> audit.record(actor, "project.created", "project", id, details)
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
     * Changes {@code name}, {@code allowed_models} ({@code null}: every model), {@code model_cap} and
     * {@code prompt_logging} when present. An owner may change the name and the allowed models, within the cap; the
     * cap and prompt logging are the administrators'. The allowed models always lie within the cap: a new cap
     * narrows them.
     */
    public Mono<ProjectView> update(AdminActor actor, String id, ProjectPatch patch) {
        if (!actor.administrator()) {
            administratorsOnly(patch.promptLogging().present(), "prompt_logging");
            administratorsOnly(patch.modelCap().present(), "model_cap");
        }
        boolean setName = patch.name().present();
        String name = patch.name().value();
        boolean setModels = patch.allowedModels().present();
        List<String> requested = configuredModels(patch.allowedModels().value(), "allowed_models");
        List<String> requestedCap = configuredModels(patch.modelCap().value(), "model_cap");
        boolean setLogging = patch.promptLogging().present();
        Boolean promptLogging = patch.promptLogging().value();
        Mono<ProjectView> work = get(id).flatMap(current -> {
            List<String> cap = patch.modelCap().present() ? requestedCap : current.modelCap();
            List<String> allowed = setModels ? requested : current.allowedModels();
            if (setModels && !actor.administrator() && cap != null && !withinCap(allowed, cap)) {
                throw AccessException.forbidden(
                        "'allowed_models' may name only models the administrators allow this project: " + cap + ".",
                        "model_not_allowed");
            }
            if (!setModels) {
                allowed = narrowed(allowed, cap);
            }
            checkWithinCap(allowed, cap);
            boolean modelsChanged = setModels || !Objects.equals(allowed, current.allowedModels());
            Map<String, Object> details = details(setName ? name : null, allowed, modelsChanged, promptLogging);
            if (patch.modelCap().present()) {
                details.put("model_cap", cap);
            }
            return db.sql("""
                            UPDATE projects SET
                              name = CASE WHEN :setName THEN :name ELSE name END,
                              allowed_models = :models,
                              model_cap = :cap,
                              prompt_logging = CASE WHEN :setLogging THEN :logging ELSE prompt_logging END,
                              updated_at = now()
                            WHERE id = :id RETURNING\s""" + COLUMNS)
                    .bind("id", id)
                    .bind("setName", setName)
                    .bind("name", Checks.nullable(name))
                    .bind("models", modelsParameter(allowed))
                    .bind("cap", modelsParameter(cap))
                    .bind("setLogging", setLogging)
                    .bind("logging", Boolean.TRUE.equals(promptLogging))
                    .map(ProjectAdminStore::view)
                    .one()
                    .switchIfEmpty(Mono.error(() -> InvalidRequestException.notFound("project", id)))
                    .flatMap(updated -> audit.record(actor, "project.updated", "project", id, details)
                            .thenReturn(updated));
        });
        return tx.transactional(work);
    }

    private static void administratorsOnly(boolean present, String field) {
        if (present) {
            throw AccessException.forbidden(
                    "Only a gateway administrator may change '" + field + "'.", "insufficient_permissions");
        }
    }

    /** Whether every allowed model is in the cap; "every model" (null) is within no cap. */
    private static boolean withinCap(@Nullable List<String> allowed, List<String> cap) {
        return allowed != null && cap.containsAll(allowed);
    }

    private static void checkWithinCap(@Nullable List<String> allowed, @Nullable List<String> cap) {
        if (cap != null && !withinCap(allowed, cap)) {
            throw InvalidRequestException.invalidParameter(
                    "allowed_models", "'allowed_models' must lie within 'model_cap': " + cap + ".");
        }
    }

    /** The allowed models that a new cap leaves (all of the cap when every model was allowed). */
    private static @Nullable List<String> narrowed(@Nullable List<String> allowed, @Nullable List<String> cap) {
        if (cap == null) {
            return allowed;
        }
        return allowed == null ? cap : allowed.stream().filter(cap::contains).toList();
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

    /** Model ids must be configured ones, so a typo is caught now and not at request time. */
    private @Nullable List<String> configuredModels(@Nullable List<String> requested, String field) {
        if (requested == null) {
            return null;
        }
        Set<String> known = models.routes().stream().map(Route::modelId).collect(Collectors.toSet());
        for (String id : requested) {
            if (!known.contains(id)) {
                throw InvalidRequestException.invalidParameter(field, "'" + id + "' is not a configured model id.");
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
        String[] cap = row.get("model_cap", String[].class);
        return new ProjectView(
                row.get("id", String.class),
                "project",
                row.get("name", String.class),
                allowed == null ? null : Arrays.asList(allowed),
                cap == null ? null : Arrays.asList(cap),
                Boolean.TRUE.equals(row.get("prompt_logging", Boolean.class)),
                Timestamps.requiredSeconds(row.get("created_at", OffsetDateTime.class)),
                Timestamps.requiredSeconds(row.get("updated_at", OffsetDateTime.class)));
    }

    /** The body of {@code POST /admin/v1/projects}. */
    public record NewProject(
            @Nullable String id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 200) @Nullable String name,

            @JsonProperty("allowed_models") @Nullable List<String> allowedModels,
            @JsonProperty("model_cap") @Nullable List<String> modelCap,
            @JsonProperty("prompt_logging") @Nullable Boolean promptLogging)
            implements StrictBody {}

    /**
     * The body of {@code PATCH /admin/v1/projects/{id}}: each field absent (unchanged) or a value; only
     * {@code allowed_models} may be null (every model). An unknown field is a 400.
     */
    @JsonDeserialize(using = ProjectPatch.Reader.class)
    public record ProjectPatch(
            Patch<String> name,
            Patch<List<String>> allowedModels,
            Patch<List<String>> modelCap,
            Patch<Boolean> promptLogging) {

        private static final Set<String> FIELDS = Set.of("name", "allowed_models", "model_cap", "prompt_logging");

        /** The checked body, but for whether the models are configured ones (the store knows them). */
        static ProjectPatch from(JsonNode body) {
            Checks.object(body);
            KnownFields.check(body, "", FIELDS);
            return new ProjectPatch(
                    name(body.get("name")),
                    models(body.get("allowed_models"), "allowed_models"),
                    models(body.get("model_cap"), "model_cap"),
                    logging(body));
        }

        private static Patch<String> name(JsonNode value) {
            if (value == null) {
                return Patch.absent();
            }
            return Patch.of(Checks.requiredText(value.isString() ? value.stringValue() : null, "name", 200));
        }

        private static Patch<List<String>> models(JsonNode value, String field) {
            if (value == null) {
                return Patch.absent();
            }
            if (value.isNull()) {
                return Patch.of(null);
            }
            if (!value.isArray()) {
                throw InvalidRequestException.invalidParameter(
                        field, "'" + field + "' must be a list of model ids or null.");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode element : value) {
                if (!element.isString()) {
                    throw InvalidRequestException.invalidParameter(
                            field, "'" + field + "' must be a list of model ids or null.");
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

    /**
     * A project as the admin API shows it; {@code allowed_models} null means every model, {@code model_cap} null
     * lets owners allow any.
     */
    public record ProjectView(
            String id,
            String object,
            String name,
            @JsonProperty("allowed_models") @Nullable List<String> allowedModels,
            @JsonProperty("model_cap") @Nullable List<String> modelCap,
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
