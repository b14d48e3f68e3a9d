package io.llmgateway.app.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * The database the gateway uses: the external PostgreSQL of {@code gateway.database.url}, or else an embedded
 * PostgreSQL whose files live under {@code gateway.database.embedded.data-dir} and survive restarts.
 * Started once, at start-up, before anything connects.
 */
public class DatabaseServer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);

    private final DatabaseEndpoint endpoint;
    private final EmbeddedPostgres embedded;

    public DatabaseServer(DatabaseProperties properties) {
        String password = password(properties);
        if (properties.isEmbedded()) {
            this.embedded = startEmbedded(properties.embedded());
            this.endpoint = new DatabaseEndpoint("localhost", embedded.getPort(), "postgres", "postgres",
                    "postgres", null);
            log.info("Embedded PostgreSQL on port {} with data in {} (set gateway.database.url for an external one)",
                    embedded.getPort(), properties.embedded().dataDir().toAbsolutePath().normalize());
        } else {
            this.embedded = null;
            this.endpoint = DatabaseEndpoint.fromJdbcUrl(properties.url(), properties.username(), password);
            log.info("PostgreSQL at {}", endpoint);
        }
    }

    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    private static EmbeddedPostgres startEmbedded(DatabaseProperties.Embedded settings) {
        try {
            Files.createDirectories(settings.dataDir());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(settings.dataDir().toAbsolutePath().normalize())
                    .setCleanDataDirectory(false);
            if (settings.port() > 0) {
                builder.setPort(settings.port());
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + settings.dataDir(), e);
        }
    }

    private static String password(DatabaseProperties properties) {
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
    public void destroy() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
