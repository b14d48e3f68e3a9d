package io.llmgateway.auth.identity;

import org.jspecify.annotations.Nullable;

/**
 * A user as authorisation sees it.
 *
 * @param role the user's gateway-wide role, {@code administrator} or {@code auditor}; null for neither
 */
public record UserRecord(
        String id,
        @Nullable String defaultProjectId,
        @Nullable String role) {}
