package io.llmgateway.app.admin;

import org.jspecify.annotations.Nullable;

/**
 * Who makes an admin change, as the audit log records it. Never the key itself.
 *
 * @param keyId         the id of the admin token or personal access token used
 * @param userId        the user behind a personal access token; null for an admin token
 * @param administrator whether the actor holds every right (an admin token, or a user with that role); an owner
 *                      acts within the caps the administrators set
 * @param projectId     the project the request's path names, if any
 * @param remoteAddress the client address
 */
public record AdminActor(
        String keyId,
        @Nullable String userId,
        boolean administrator,
        @Nullable String projectId,
        String remoteAddress) {}
