package io.llmgateway.app.admin;

import io.llmgateway.core.json.StrictBody;
import io.llmgateway.core.protocol.ListPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code /admin/v1/projects}, their members and their service keys. */
@Tag(name = "Admin: projects", description = "Projects, their members, service keys, limits and caps.")
@RestController
@RequestMapping("/admin/v1/projects")
public class ProjectsAdminController {

    private final ProjectAdminStore projects;
    private final KeyAdminStore keys;

    private final LimitsAdminStore limits;

    public ProjectsAdminController(ProjectAdminStore projects, KeyAdminStore keys, LimitsAdminStore limits) {
        this.projects = projects;
        this.keys = keys;
        this.limits = limits;
    }

    @Operation(operationId = "createProject", summary = "Create a project")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<ProjectAdminStore.ProjectView> create(
            AdminActor actor, @RequestBody ProjectAdminStore.NewProject project) {
        return projects.create(actor, project);
    }

    @Operation(operationId = "listProjects", summary = "List projects")
    @GetMapping
    public Mono<ListPage<ProjectAdminStore.ProjectView>> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
        return projects.list(Paging.of(limit, after));
    }

    @Operation(operationId = "getProject", summary = "Retrieve a project")
    @GetMapping("/{projectId}")
    public Mono<ProjectAdminStore.ProjectView> get(@PathVariable String projectId) {
        return projects.get(projectId);
    }

    @Operation(operationId = "updateProject", summary = "Modify a project")
    @PatchMapping("/{projectId}")
    public Mono<ProjectAdminStore.ProjectView> update(
            AdminActor actor, @PathVariable String projectId, @RequestBody ProjectAdminStore.ProjectPatch patch) {
        return projects.update(actor, projectId, patch);
    }

    @Operation(operationId = "deleteProject", summary = "Delete a project")
    @DeleteMapping("/{projectId}")
    public Mono<UserAdminStore.Deleted> delete(AdminActor actor, @PathVariable String projectId) {
        return projects.delete(actor, projectId);
    }

    @Operation(operationId = "listProjectMembers", summary = "List a project's members")
    @GetMapping("/{projectId}/members")
    public Mono<ListPage<ProjectAdminStore.MemberView>> members(
            @PathVariable String projectId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after) {
        return projects.members(projectId, Paging.of(limit, after));
    }

    @Operation(operationId = "putProjectMember", summary = "Add a member or change their role")
    @PutMapping("/{projectId}/members/{userId}")
    public Mono<ProjectAdminStore.MemberView> putMember(
            AdminActor actor, @PathVariable String projectId, @PathVariable String userId, @RequestBody Role role) {
        return projects.putMember(actor, projectId, userId, role == null ? null : role.role());
    }

    @Operation(operationId = "deleteProjectMember", summary = "Remove a member")
    @DeleteMapping("/{projectId}/members/{userId}")
    public Mono<UserAdminStore.Deleted> deleteMember(
            AdminActor actor, @PathVariable String projectId, @PathVariable String userId) {
        return projects.deleteMember(actor, projectId, userId);
    }

    @Operation(
            operationId = "createProjectKey",
            summary = "Issue a service key",
            description = "The answer carries the key in `key`, this once.")
    @PostMapping("/{projectId}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<KeyAdminStore.IssuedKeyView> createKey(
            AdminActor actor, @PathVariable String projectId, @RequestBody KeyAdminStore.NewKey request) {
        return keys.issueServiceKey(actor, projectId, request);
    }

    @Operation(
            operationId = "listProjectKeys",
            summary = "List a project's service keys",
            description = "Their metadata; never a secret.")
    @GetMapping("/{projectId}/keys")
    public Mono<ListPage<KeyAdminStore.KeyView>> keys(
            @PathVariable String projectId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after) {
        return keys.listForProject(projectId, Paging.of(limit, after));
    }

    @Operation(operationId = "revokeProjectKey", summary = "Revoke a service key")
    @DeleteMapping("/{projectId}/keys/{keyId}")
    public Mono<KeyAdminStore.KeyView> revokeKey(
            AdminActor actor, @PathVariable String projectId, @PathVariable String keyId) {
        return keys.revoke(actor, "project_id", projectId, keyId);
    }

    @Operation(
            operationId = "rotateProjectKey",
            summary = "Rotate a service key",
            description = "A new secret for the same key id, in `key`, this once. The old secret works for"
                    + " `grace_period_seconds` more (default 0: it stops at once).")
    @PostMapping("/{projectId}/keys/{keyId}/rotate")
    public Mono<KeyAdminStore.IssuedKeyView> rotateKey(
            AdminActor actor,
            @PathVariable String projectId,
            @PathVariable String keyId,
            @RequestBody(required = false) KeyAdminStore.@Nullable Rotation rotation) {
        return keys.rotate(actor, projectId, keyId, rotation == null ? null : rotation.gracePeriodSeconds());
    }

    @Operation(operationId = "getProjectLimits", summary = "Read a project's limits")
    @GetMapping("/{projectId}/limits")
    public Mono<LimitsAdminStore.LimitsView> limits(@PathVariable String projectId) {
        return limits.getForProject(projectId);
    }

    /** Replaces the project's limits; {@code {}} removes them all. */
    @Operation(
            operationId = "putProjectLimits",
            summary = "Replace a project's limits",
            description = "Rate limits, concurrency and budgets; `{}` removes them all. An owner sets them"
                    + " within the project's caps.")
    @PutMapping("/{projectId}/limits")
    public Mono<LimitsAdminStore.LimitsView> putLimits(
            AdminActor actor, @PathVariable String projectId, @RequestBody LimitsAdminStore.LimitsBody body) {
        return limits.putForProject(actor, projectId, body.limits());
    }

    /** The most the project's owners may set as its limits. */
    @Operation(operationId = "getProjectLimitCaps", summary = "Read the caps on a project's limits")
    @GetMapping("/{projectId}/limit_caps")
    public Mono<LimitsAdminStore.LimitsView> limitCaps(@PathVariable String projectId) {
        return limits.getCaps(projectId);
    }

    /** Replaces the caps on the project's limits; {@code {}} removes them all. */
    @Operation(
            operationId = "putProjectLimitCaps",
            summary = "Replace the caps on a project's limits",
            description = "The most the project's owners may set as its limits; `{}` removes them all."
                    + " Administrators only.")
    @PutMapping("/{projectId}/limit_caps")
    public Mono<LimitsAdminStore.LimitsView> putLimitCaps(
            AdminActor actor, @PathVariable String projectId, @RequestBody LimitsAdminStore.LimitsBody body) {
        return limits.putCaps(actor, projectId, body.limits());
    }

    @Operation(operationId = "getKeyLimits", summary = "Read a service key's limits")
    @GetMapping("/{projectId}/keys/{keyId}/limits")
    public Mono<LimitsAdminStore.LimitsView> keyLimits(@PathVariable String projectId, @PathVariable String keyId) {
        return limits.getForKey(projectId, keyId);
    }

    /** Replaces a service key's limits; {@code {}} removes them all. */
    @Operation(
            operationId = "putKeyLimits",
            summary = "Replace a service key's limits",
            description = "`{}` removes them all.")
    @PutMapping("/{projectId}/keys/{keyId}/limits")
    public Mono<LimitsAdminStore.LimitsView> putKeyLimits(
            AdminActor actor,
            @PathVariable String projectId,
            @PathVariable String keyId,
            @RequestBody LimitsAdminStore.LimitsBody body) {
        return limits.putForKey(actor, projectId, keyId, body.limits());
    }

    /** The body of a membership: {@code {"role":"member"|"owner"}}. */
    @Schema(name = "MemberRole")
    public record Role(
            @Schema(
                    allowableValues = {"member", "owner"},
                    requiredMode = Schema.RequiredMode.REQUIRED)
            @Nullable String role)
            implements StrictBody {}
}
