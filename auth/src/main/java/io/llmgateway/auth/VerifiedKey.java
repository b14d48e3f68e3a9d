package io.llmgateway.auth;

import io.llmgateway.auth.key.KeyKind;

/**
 * A key that passed verification: its id and kind, and its owner (a user for a PAT, a project for a service key,
 * nobody for an admin token). Holds no secret.
 */
public record VerifiedKey(String keyId, KeyKind kind, String name, String userId, String projectId) {}
