/**
 * The embedded PostgreSQL, run by the gateway itself: PostgreSQL's programs from zonky's binary jars, a cluster
 * that requires a password and writes with fsync, a server in a session of its own that the gateway starts,
 * watches (and restarts) and stops as the last thing of its shutdown. {@link
 * io.llmgateway.app.persistence.embedded.EmbeddedPostgresServer} is the entry; the other classes are its parts,
 * one concern each. Nothing here depends on Spring or on the rest of the gateway.
 */
package io.llmgateway.app.persistence.embedded;
