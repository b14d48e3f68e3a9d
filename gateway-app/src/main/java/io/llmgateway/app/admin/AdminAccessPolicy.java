package io.llmgateway.app.admin;

import io.llmgateway.auth.VerifiedKey;
import io.llmgateway.auth.identity.IdentityStore;
import io.llmgateway.auth.identity.UserRecord;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.core.error.AccessException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Who may do what in the admin API and the actuator: the one table of rights. An admin token and a user with the
 * {@code administrator} role may do everything; an {@code auditor} reads everything and changes nothing; a
 * project's {@code owner} manages that project (its members, service keys and limits, within the caps the
 * administrators set); every user reads their own record and manages their own personal access tokens; a member
 * reads the project it belongs to. A service key has no part in administration.
 */
public class AdminAccessPolicy {

    /** What a request needs, besides an administrator (who may do everything). */
    enum Need {
        /** An administrator. */
        ADMINISTRATOR,
        /** Reading everything: an administrator or an auditor. */
        READ_ALL,
        /** An owner of the path's project (or, for a read, an auditor). */
        OWNER,
        /** A member or owner of the path's project (or, for a read, an auditor). */
        MEMBER,
        /** The path's user (or, for a read, an auditor). */
        SELF,
        /** Any user. */
        ANY_USER
    }

    /** Which query parameters narrow a read the rule grants: only reads that the handler narrows by them. */
    enum QueryScope {
        /** None: the project, if any, is the path's. */
        NONE,
        /** {@code project_id} narrows it to a project, which an owner may read. */
        PROJECT,
        /** {@code project_id}, or {@code user_id} alone, which a user may give as their own. */
        PROJECT_OR_USER
    }

    private record Rule(HttpMethod method, PathPattern pattern, Need need, QueryScope scope) {}

    private static final List<Rule> RULES = List.of(
            rule("GET", "/me", Need.ANY_USER),
            rule("POST", "/users", Need.ADMINISTRATOR),
            rule("GET", "/users", Need.READ_ALL),
            rule("GET", "/users/{userId}", Need.SELF),
            rule("POST", "/users/{userId}/tokens", Need.SELF),
            rule("GET", "/users/{userId}/tokens", Need.SELF),
            rule("DELETE", "/users/{userId}/tokens/{tokenId}", Need.SELF),
            rule("POST", "/projects", Need.ADMINISTRATOR),
            rule("GET", "/projects", Need.READ_ALL),
            rule("GET", "/projects/{projectId}", Need.MEMBER),
            rule("PATCH", "/projects/{projectId}", Need.OWNER),
            rule("DELETE", "/projects/{projectId}", Need.ADMINISTRATOR),
            rule("GET", "/projects/{projectId}/members", Need.OWNER),
            rule("PUT", "/projects/{projectId}/members/{userId}", Need.OWNER),
            rule("DELETE", "/projects/{projectId}/members/{userId}", Need.OWNER),
            rule("POST", "/projects/{projectId}/keys", Need.OWNER),
            rule("GET", "/projects/{projectId}/keys", Need.OWNER),
            rule("DELETE", "/projects/{projectId}/keys/{keyId}", Need.OWNER),
            rule("POST", "/projects/{projectId}/keys/{keyId}/rotate", Need.OWNER),
            rule("GET", "/projects/{projectId}/limits", Need.OWNER),
            rule("PUT", "/projects/{projectId}/limits", Need.OWNER),
            rule("GET", "/projects/{projectId}/limit_caps", Need.OWNER),
            rule("PUT", "/projects/{projectId}/limit_caps", Need.ADMINISTRATOR),
            rule("GET", "/projects/{projectId}/keys/{keyId}/limits", Need.OWNER),
            rule("PUT", "/projects/{projectId}/keys/{keyId}/limits", Need.OWNER),
            // with ?project_id=, an owner's view of their project; with ?user_id= alone, a user's own; else all
            rule("GET", "/usage", Need.OWNER, QueryScope.PROJECT_OR_USER),
            rule("GET", "/audit", Need.OWNER, QueryScope.PROJECT),
            rule("GET", "/usage/service_levels", Need.OWNER, QueryScope.PROJECT_OR_USER),
            rule("GET", "/usage/quarantine", Need.READ_ALL),
            rule("GET", "/deployments", Need.READ_ALL));

    private static final String ADMIN_PREFIX = "/admin/v1";

    private final IdentityStore identities;
    private final Clock clock;

    public AdminAccessPolicy(IdentityStore identities, Clock clock) {
        this.identities = identities;
        this.clock = clock;
    }

    /**
     * Whether what a console session was signed in with still stands: the key (an admin token or a personal access
     * token) not revoked and not expired, the user not deleted. A session outlives neither; an ended one is a 401.
     *
     * @param keyId the key the session was signed in with; null for single sign-on
     */
    public Mono<Void> sessionStands(@Nullable String keyId, @Nullable String userId) {
        Mono<Boolean> stands = keyId != null
                ? identities
                        .findKey(keyId)
                        .map(key -> key.revokedAt() == null
                                && (key.expiresAt() == null || clock.instant().isBefore(key.expiresAt())))
                : userId != null ? identities.findUser(userId).map(user -> true) : Mono.just(false);
        return stands.defaultIfEmpty(false)
                .flatMap(yes -> yes ? Mono.<Void>empty() : Mono.error(AccessException.invalidApiKey()));
    }

    /**
     * What the holder of this key may do here: the grant, or a 403 saying what is missing.
     *
     * @param path  the request's path within the application
     * @param query its query parameters ({@code project_id} narrows usage and audit reads to one project)
     */
    public Mono<AdminActor> authorize(
            VerifiedKey key,
            HttpMethod method,
            String path,
            MultiValueMap<String, String> query,
            String remoteAddress) {
        return authorize(key.keyId(), key.kind(), key.userId(), method, path, query, remoteAddress);
    }

    /**
     * The same for a holder known otherwise than by a key (a console session).
     *
     * @param actorId what the audit log records as the key
     * @param kind    {@code ADMIN} for every right, {@code PAT} for a user's, {@code SERVICE} for none
     * @param userId  the user, for {@code PAT}
     */
    public Mono<AdminActor> authorize(
            String actorId,
            KeyKind kind,
            @Nullable String userId,
            HttpMethod method,
            String path,
            MultiValueMap<String, String> query,
            String remoteAddress) {
        Need need = Need.ADMINISTRATOR;
        QueryScope scope = QueryScope.NONE;
        Map<String, String> variables = Map.of();
        if (path.startsWith(ADMIN_PREFIX + "/")) {
            PathContainer within = PathContainer.parsePath(path.substring(ADMIN_PREFIX.length()));
            for (Rule rule : RULES) {
                PathPattern.PathMatchInfo match =
                        rule.method().equals(method) ? rule.pattern().matchAndExtract(within) : null;
                if (match != null) {
                    need = rule.need();
                    scope = rule.scope();
                    variables = match.getUriVariables();
                    break;
                }
            }
        } else if (isRead(method)) {
            // the actuator
            need = Need.READ_ALL;
        }
        // the project of the request: the path's, or for a read its handler narrows by it, the query's (never a
        // query parameter the handler ignores, which would grant a read it does not narrow or mislabel an audit row)
        String projectId = variables.get("projectId");
        if (projectId == null && scope != QueryScope.NONE) {
            projectId = query.getFirst("project_id");
        }
        String pathUser = variables.get("userId");
        if (need == Need.OWNER && projectId == null) {
            if (scope == QueryScope.PROJECT_OR_USER && query.getFirst("user_id") != null) {
                // usage narrowed to one user: that user's own
                need = Need.SELF;
                pathUser = query.getFirst("user_id");
            } else {
                need = Need.READ_ALL;
            }
        }
        if (kind == KeyKind.ADMIN) {
            return Mono.just(new AdminActor(actorId, null, true, projectId, remoteAddress));
        }
        if (kind != KeyKind.PAT || userId == null) {
            return Mono.error(AccessException.forbidden(
                    "A service key cannot use the admin API: use a personal access token or an admin token.",
                    "insufficient_permissions"));
        }
        Need needed = need;
        String user = pathUser;
        String project = projectId;
        return identities
                .findUser(userId)
                .defaultIfEmpty(new UserRecord(userId, null, null))
                .flatMap(found -> decide(found, method, needed, project, user)
                        .thenReturn(new AdminActor(
                                actorId,
                                userId,
                                UserRole.fromWire(found.role()) == UserRole.ADMINISTRATOR,
                                project,
                                remoteAddress)));
    }

    private Mono<Void> decide(
            UserRecord user, HttpMethod method, Need need, @Nullable String projectId, @Nullable String pathUser) {
        UserRole role = UserRole.fromWire(user.role());
        if (role == UserRole.ADMINISTRATOR || (role == UserRole.AUDITOR && isRead(method))) {
            return Mono.empty();
        }
        return switch (need) {
            case ANY_USER -> Mono.empty();
            case ADMINISTRATOR ->
                Mono.error(AccessException.forbidden(
                        "Only a gateway administrator may do this.", "insufficient_permissions"));
            case READ_ALL ->
                Mono.error(AccessException.forbidden(
                        "Only a gateway administrator or auditor may read this.", "insufficient_permissions"));
            case SELF ->
                user.id().equals(pathUser)
                        ? Mono.empty()
                        : Mono.error(AccessException.forbidden(
                                "You may read and manage only your own user and tokens.", "insufficient_permissions"));
            case OWNER, MEMBER -> {
                String project = Objects.requireNonNull(projectId, "a project rule has a project");
                yield identities
                        .findRole(project, user.id())
                        .filter(held -> need == Need.MEMBER || "owner".equals(held))
                        .switchIfEmpty(Mono.error(() -> need == Need.MEMBER
                                ? AccessException.forbidden(
                                        "You are not a member of project '" + project + "'.", "not_a_member")
                                : AccessException.forbidden(
                                        "You are not an owner of project '" + project + "'.", "not_an_owner")))
                        .then();
            }
        };
    }

    private static boolean isRead(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    }

    private static Rule rule(String method, String pattern, Need need) {
        return rule(method, pattern, need, QueryScope.NONE);
    }

    private static Rule rule(String method, String pattern, Need need, QueryScope scope) {
        return new Rule(HttpMethod.valueOf(method), PathPatternParser.defaultInstance.parse(pattern), need, scope);
    }
}
