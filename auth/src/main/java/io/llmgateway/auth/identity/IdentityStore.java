package io.llmgateway.auth.identity;

import reactor.core.publisher.Mono;

/** Where identities are read from (PostgreSQL in the application). Each look-up is empty when nothing matches. */
public interface IdentityStore {

    Mono<KeyRecord> findKey(String keyId);

    Mono<UserRecord> findUser(String userId);

    Mono<ProjectRecord> findProject(String projectId);

    /** The user's role in the project ({@code member} or {@code owner}), empty when not a member. */
    Mono<String> findRole(String projectId, String userId);
}
