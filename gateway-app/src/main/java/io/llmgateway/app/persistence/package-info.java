/**
 * PostgreSQL for the gateway: {@link DatabaseServer} (the external database of {@code gateway.database.url}, or the
 * embedded one), {@link DatabaseConfiguration} (Flyway migrations over JDBC at start-up, then an R2DBC pool whose
 * connections never wait for the database much longer than the statement timeout, {@link TimeBoundConnections}),
 * {@link MigrateOnly} (the migrations alone, for the Helm Job), and the rules every database user shares:
 * {@link DatabaseFailures}, {@link Lookups}, {@link DatabaseCache}.
 *
 * <p>The migrations themselves are {@code src/main/resources/db/migration/V*__*.sql}. Within the application it depends
 * only on its {@code embedded} sub-package.
 */
@NullMarked
package io.llmgateway.app.persistence;

import org.jspecify.annotations.NullMarked;
