package io.llmgateway.app.persistence;

/**
 * A cache of database rows that must be dropped when the database announces a change on the
 * {@code gateway_identity_changed} channel (identities, memberships, limits).
 */
@FunctionalInterface
public interface DatabaseCache {

    void invalidateAll();
}
