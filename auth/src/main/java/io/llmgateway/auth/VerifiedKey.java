package io.llmgateway.auth;

import io.llmgateway.auth.key.KeyKind;
import org.jspecify.annotations.Nullable;

/**
 * A key that passed verification: its id and kind, and its owner (a user for a PAT, a project for a service key,
 * nobody for an admin token). Holds no secret.
 */
public record VerifiedKey(
        String keyId,
        KeyKind kind,
        String name,
        @Nullable String userId,
        @Nullable String projectId) {}
