package io.llmgateway.auth.identity;

/** A user as authorisation sees it. */
public record UserRecord(String id, String defaultProjectId) {}
