package io.llmgateway.auth;

import io.llmgateway.auth.identity.ProjectRecord;
import io.llmgateway.auth.key.KeyKind;

/**
 * Who is calling a model, and where: the key, the user the request is for, and the project it is billed to.
 *
 * @param userId the token's user for a PAT; the {@code X-User-Id} a service acts for; for an admin token the
 *               {@code X-User-Id} or {@code admin:<key id>}
 */
public record Caller(String keyId, KeyKind keyKind, String userId, ProjectRecord project) {

    public String projectId() {
        return project.id();
    }

    /** Whether this caller's project may use the model. */
    public boolean mayUse(String modelId) {
        return project.allows(modelId);
    }
}
