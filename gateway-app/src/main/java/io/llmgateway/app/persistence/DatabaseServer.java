package io.llmgateway.app.persistence;

import io.llmgateway.app.persistence.embedded.EmbeddedPostgresServer;
import io.llmgateway.app.persistence.embedded.EmbeddedSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The database the gateway uses: the external PostgreSQL of {@code gateway.database.url}, or else an embedded
 * PostgreSQL whose files live under {@code gateway.database.embedded.data-dir} and survive restarts.
 * Started once, at start-up, before anything connects.
 *
 * <p>The embedded server stops when this bean is destroyed, and at no other time: no JVM shutdown hook stops it.
 * Every bean that uses the database depends on this one (the connection pool, the migrations, the
 * {@code LISTEN} listeners, and through the pool the index synchronizer, the usage ledger and the last-used
 * flusher), so Spring destroys them first; and Spring destroys beans only after it has stopped every lifecycle
 * bean, the web server's graceful shutdown and the ledger's last write included. So the database stops last, after
 * everything the gateway held has been written. While the gateway runs, a watchdog restarts it if it exits.
 *
 * <p>Metrics, for the embedded server only: {@code gateway.database.embedded.up} (1 while it accepts connections)
 * and {@code gateway.database.embedded.restarts} (starts after it had exited).
 */
public class DatabaseServer implements DisposableBean, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    private final DatabaseEndpoint endpoint;
    private final @Nullable EmbeddedPostgresServer embedded;

    public DatabaseServer(DatabaseProperties properties) {
        if (properties.isEmbedded()) {
            DatabaseProperties.Embedded settings = properties.embedded();
            EmbeddedPostgresServer server = EmbeddedPostgresServer.start(new EmbeddedSettings(
                    settings.dataDir(), settings.port(), settings.startTimeout(), settings.stopTimeout()));
            this.embedded = server;
            this.endpoint = new DatabaseEndpoint(
                    "127.0.0.1", server.port(), "postgres", server.username(), server.password(), null);
        } else {
            this.embedded = null;
            this.endpoint = DatabaseEndpoint.fromJdbcUrl(
                    Objects.requireNonNull(properties.url(), "not embedded: gateway.database.url is set"),
                    properties.username(),
                    password(properties));
            log.info("PostgreSQL at {}", endpoint);
        }
    }

    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    private static @Nullable String password(DatabaseProperties properties) {
        if (properties.passwordFile() != null) {
            try {
                return Files.readString(properties.passwordFile()).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("gateway.database.password-file cannot be read", e);
            }
        }
        return properties.password();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (embedded == null) {
            return;
        }
        Gauge.builder("gateway.database.embedded.up", embedded, server -> server.isUp() ? 1 : 0)
                .description("1 while the embedded PostgreSQL runs and accepts connections, 0 while it is down or"
                        + " being restarted")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("gateway.database.embedded.restarts", embedded, EmbeddedPostgresServer::restarts)
                .description("Times the embedded PostgreSQL was started again after it had exited")
                .register(registry);
    }

    /** Stops the embedded server, if any: the last thing of the gateway's shutdown (see above). */
    @Override
    public void destroy() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
