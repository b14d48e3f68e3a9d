/**
 * The embedded PostgreSQL, run by the gateway itself: PostgreSQL's programs from zonky's binary jars, a cluster that
 * requires a password and writes with fsync, a server in a session of its own that the gateway starts, watches (and
 * restarts) and stops as the last thing of its shutdown. {@link EmbeddedPostgresServer} is the entry; the other classes
 * are its parts, one concern each ({@link PostgresBinaries}, {@link Initdb}, {@link Postmaster}, {@link Watchdog},
 * {@link DataDirectoryLock}, ...).
 *
 * <p>Nothing here depends on Spring or on the rest of the gateway (not enforced by {@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.app.persistence.embedded;

import org.jspecify.annotations.NullMarked;
