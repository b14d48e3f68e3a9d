package io.llmgateway.auth.identity;

import org.jspecify.annotations.Nullable;

/** A user as authorisation sees it. */
public record UserRecord(String id, @Nullable String defaultProjectId) {}
