package io.llmgateway.auth;

import io.llmgateway.auth.identity.IdentityStore;
import io.llmgateway.core.error.AccessException;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Turns a verified key and the {@code X-User-Id} / {@code X-Project-Id} headers into a {@link Caller}:
 *
 * <ul>
 *   <li>PAT: the project is {@code X-Project-Id} or the user's default, and the user must be a member (403);
 *   {@code X-User-Id}, if sent, must be the token's user (403).</li>
 *   <li>Service key: {@code X-User-Id} is required, 1-128 characters of {@code [A-Za-z0-9._@-]} (400);
 *   {@code X-Project-Id}, if sent, must be the key's project (403).</li>
 *   <li>Admin token: may call models only when given an existing project in {@code X-Project-Id} (403).</li>
 * </ul>
 */
public final class CallerResolver {

    public static final String USER_HEADER = "X-User-Id";
    public static final String PROJECT_HEADER = "X-Project-Id";
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    private final IdentityStore store;

    public CallerResolver(IdentityStore store) {
        this.store = store;
    }

    public Mono<Caller> resolve(VerifiedKey key, @Nullable String userHeader, @Nullable String projectHeader) {
        return switch (key.kind()) {
            case PAT -> personal(key, blankToNull(userHeader), blankToNull(projectHeader));
            case SERVICE -> service(key, userHeader, blankToNull(projectHeader));
            case ADMIN -> admin(key, blankToNull(userHeader), blankToNull(projectHeader));
        };
    }

    private Mono<Caller> personal(VerifiedKey key, @Nullable String userHeader, @Nullable String projectHeader) {
        String userId = Objects.requireNonNull(key.userId(), "a personal access token has a user");
        if (userHeader != null && !userHeader.equals(userId)) {
            return Mono.error(AccessException.forbidden(
                    "X-User-Id does not match the user of this personal access token.", "user_mismatch"));
        }
        Mono<String> projectId = projectHeader != null
                ? Mono.just(projectHeader)
                : store.findUser(userId)
                        .flatMap(user -> Mono.justOrEmpty(user.defaultProjectId()))
                        .switchIfEmpty(Mono.error(AccessException.badHeader(
                                PROJECT_HEADER, "Your user has no default project: send X-Project-Id.")));
        return projectId.flatMap(id -> store.findRole(id, userId)
                .flatMap(role -> store.findProject(id))
                .switchIfEmpty(Mono.error(
                        AccessException.forbidden("You are not a member of project '" + id + "'.", "not_a_member")))
                .map(project -> new Caller(key.keyId(), key.kind(), userId, project)));
    }

    private Mono<Caller> service(VerifiedKey key, @Nullable String userHeader, @Nullable String projectHeader) {
        String projectId = Objects.requireNonNull(key.projectId(), "a service key has a project");
        if (userHeader == null || userHeader.isEmpty()) {
            return Mono.error(AccessException.badHeader(
                    USER_HEADER, "X-User-Id is required with a service key: name the end user the request is for."));
        }
        if (!USER_ID.matcher(userHeader).matches()) {
            return Mono.error(AccessException.badHeader(
                    USER_HEADER, "X-User-Id must be 1 to 128 characters of letters, digits, '.', '_', '@' and '-'."));
        }
        if (projectHeader != null && !projectHeader.equals(projectId)) {
            return Mono.error(AccessException.forbidden(
                    "X-Project-Id does not match the project of this service key.", "project_mismatch"));
        }
        return store.findProject(projectId)
                .switchIfEmpty(Mono.error(AccessException::invalidApiKey))
                .map(project -> new Caller(key.keyId(), key.kind(), userHeader, project));
    }

    private Mono<Caller> admin(VerifiedKey key, @Nullable String userHeader, @Nullable String projectHeader) {
        if (projectHeader == null) {
            return Mono.error(AccessException.forbidden(
                    "An admin token calls models only for a project: send X-Project-Id.", "project_required"));
        }
        if (userHeader != null && !USER_ID.matcher(userHeader).matches()) {
            return Mono.error(AccessException.badHeader(
                    USER_HEADER, "X-User-Id must be 1 to 128 characters of letters, digits, '.', '_', '@' and '-'."));
        }
        String user = userHeader != null ? userHeader : "admin:" + key.keyId();
        return store.findProject(projectHeader)
                .switchIfEmpty(Mono.error(AccessException.forbidden(
                        "Project '" + projectHeader + "' does not exist.", "project_not_found")))
                .map(project -> new Caller(key.keyId(), key.kind(), user, project));
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
