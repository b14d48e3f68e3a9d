package io.llmgateway.app.admin;

/** Who makes an admin change: the admin token's key id and the client address. Never the token itself. */
public record AdminActor(String keyId, String remoteAddress) {}
