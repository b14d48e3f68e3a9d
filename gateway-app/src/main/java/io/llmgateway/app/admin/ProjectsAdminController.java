package io.llmgateway.app.admin;

import io.llmgateway.core.json.StrictBody;
import io.llmgateway.core.protocol.ListPage;
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

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<ProjectAdminStore.ProjectView> create(
            AdminActor actor, @RequestBody ProjectAdminStore.NewProject project) {
        return projects.create(actor, project);
    }

    @GetMapping
    public Mono<ListPage<ProjectAdminStore.ProjectView>> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String after) {
        return projects.list(Paging.of(limit, after));
    }

    @GetMapping("/{projectId}")
    public Mono<ProjectAdminStore.ProjectView> get(@PathVariable String projectId) {
        return projects.get(projectId);
    }

    @PatchMapping("/{projectId}")
    public Mono<ProjectAdminStore.ProjectView> update(
            AdminActor actor, @PathVariable String projectId, @RequestBody ProjectAdminStore.ProjectPatch patch) {
        return projects.update(actor, projectId, patch);
    }

    @DeleteMapping("/{projectId}")
    public Mono<UserAdminStore.Deleted> delete(AdminActor actor, @PathVariable String projectId) {
        return projects.delete(actor, projectId);
    }

    @GetMapping("/{projectId}/members")
    public Mono<ListPage<ProjectAdminStore.MemberView>> members(
            @PathVariable String projectId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after) {
        return projects.members(projectId, Paging.of(limit, after));
    }

    @PutMapping("/{projectId}/members/{userId}")
    public Mono<ProjectAdminStore.MemberView> putMember(
            AdminActor actor, @PathVariable String projectId, @PathVariable String userId, @RequestBody Role role) {
        return projects.putMember(actor, projectId, userId, role == null ? null : role.role());
    }

    @DeleteMapping("/{projectId}/members/{userId}")
    public Mono<UserAdminStore.Deleted> deleteMember(
            AdminActor actor, @PathVariable String projectId, @PathVariable String userId) {
        return projects.deleteMember(actor, projectId, userId);
    }

    @PostMapping("/{projectId}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<KeyAdminStore.IssuedKeyView> createKey(
            AdminActor actor, @PathVariable String projectId, @RequestBody KeyAdminStore.NewKey request) {
        return keys.issueServiceKey(actor, projectId, request);
    }

    @GetMapping("/{projectId}/keys")
    public Mono<ListPage<KeyAdminStore.KeyView>> keys(
            @PathVariable String projectId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String after) {
        return keys.listForProject(projectId, Paging.of(limit, after));
    }

    @DeleteMapping("/{projectId}/keys/{keyId}")
    public Mono<KeyAdminStore.KeyView> revokeKey(
            AdminActor actor, @PathVariable String projectId, @PathVariable String keyId) {
        return keys.revoke(actor, "project_id", projectId, keyId);
    }

    @PostMapping("/{projectId}/keys/{keyId}/rotate")
    public Mono<KeyAdminStore.IssuedKeyView> rotateKey(
            AdminActor actor,
            @PathVariable String projectId,
            @PathVariable String keyId,
            @RequestBody(required = false) KeyAdminStore.@Nullable Rotation rotation) {
        return keys.rotate(actor, projectId, keyId, rotation == null ? null : rotation.gracePeriodSeconds());
    }

    @GetMapping("/{projectId}/limits")
    public Mono<LimitsAdminStore.LimitsView> limits(@PathVariable String projectId) {
        return limits.getForProject(projectId);
    }

    /** Replaces the project's limits; {@code {}} removes them all. */
    @PutMapping("/{projectId}/limits")
    public Mono<LimitsAdminStore.LimitsView> putLimits(
            AdminActor actor, @PathVariable String projectId, @RequestBody LimitsAdminStore.LimitsBody body) {
        return limits.putForProject(actor, projectId, body.limits());
    }

    /** The most the project's owners may set as its limits. */
    @GetMapping("/{projectId}/limit_caps")
    public Mono<LimitsAdminStore.LimitsView> limitCaps(@PathVariable String projectId) {
        return limits.getCaps(projectId);
    }

    /** Replaces the caps on the project's limits; {@code {}} removes them all. */
    @PutMapping("/{projectId}/limit_caps")
    public Mono<LimitsAdminStore.LimitsView> putLimitCaps(
            AdminActor actor, @PathVariable String projectId, @RequestBody LimitsAdminStore.LimitsBody body) {
        return limits.putCaps(actor, projectId, body.limits());
    }

    @GetMapping("/{projectId}/keys/{keyId}/limits")
    public Mono<LimitsAdminStore.LimitsView> keyLimits(@PathVariable String projectId, @PathVariable String keyId) {
        return limits.getForKey(projectId, keyId);
    }

    /** Replaces a service key's limits; {@code {}} removes them all. */
    @PutMapping("/{projectId}/keys/{keyId}/limits")
    public Mono<LimitsAdminStore.LimitsView> putKeyLimits(
            AdminActor actor,
            @PathVariable String projectId,
            @PathVariable String keyId,
            @RequestBody LimitsAdminStore.LimitsBody body) {
        return limits.putForKey(actor, projectId, keyId, body.limits());
    }

    /** The body of a membership: {@code {"role":"member"|"owner"}}. */
    public record Role(@Nullable String role) implements StrictBody {}
}
