package io.llmgateway.app.identity;

import io.llmgateway.app.persistence.DatabaseEndpoint;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.auth.key.SecretHash;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure an administrator can get in, once, at start-up (plain JDBC: this runs before the server accepts
 * requests, never on an event loop):
 *
 * <ul>
 *   <li>a token configured by value ({@code gateway.auth.admin-token} / {@code admin-token-file}) or by hash
 *   ({@code admin-token-hash}) is stored if it is not yet;</li>
 *   <li>with nothing configured and no admin token in the database, one is created and printed once to standard
 *   output, never to the log, and never again.</li>
 * </ul>
 * On a fresh install (no admin token yet) it also creates the project {@code default} when there is no project.
 * Replicas starting together serialise on an advisory lock, so only one token is ever generated.
 */
public class AdminBootstrap {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final long LOCK = 0x6777_6164_6d69_6eL;

    private final DatabaseEndpoint database;
    private final IdentityProperties properties;
    private final PrintStream console;

    public AdminBootstrap(DatabaseEndpoint database, IdentityProperties properties, PrintStream console) {
        this.database = database;
        this.properties = properties;
        this.console = console;
    }

    public void run() {
        try (Connection connection =
                DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            connection.setAutoCommit(false);
            try (Statement lock = connection.createStatement()) {
                lock.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            }
            boolean fresh = !anyAdminToken(connection);
            String configured = configuredToken();
            if (configured != null) {
                ApiKeyFormat.ParsedKey key = ApiKeyFormat.parse(configured)
                        .filter(parsed -> parsed.kind() == KeyKind.ADMIN)
                        .orElseThrow(
                                () -> new IllegalStateException(
                                        "gateway.auth.admin-token-file does not hold a"
                                                + " gwa_ admin token (nor admin-token, if set by hand); start once without it to have the gateway generate one"));
                insertIfAbsent(
                        connection,
                        key.keyId(),
                        SecretHash.of(key.secret()),
                        configured.substring(configured.length() - 4));
            } else if (properties.adminTokenHash() != null
                    && !properties.adminTokenHash().isBlank()) {
                // its form is checked where it is bound (IdentityProperties)
                String[] parts = properties.adminTokenHash().strip().split(":");
                insertIfAbsent(connection, parts[0], HexFormat.of().parseHex(parts[1]), "????");
            } else if (fresh) {
                ApiKeyFormat.IssuedKey key = new ApiKeyFormat().issue(KeyKind.ADMIN);
                insertIfAbsent(connection, key.keyId(), SecretHash.of(key.secret()), key.lastFour());
                console.println();
                console.println("=== LLM Gateway: first start. The bootstrap admin token (shown only this once):");
                console.println(key.token());
                console.println("=== Keep it in a secret store. It manages everything under /admin/v1.");
                console.println();
                console.flush();
                log.info("Created the bootstrap admin token {} and printed it to standard output", key.keyId());
            }
            if (fresh) {
                createDefaultProject(connection);
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not bootstrap the admin token", e);
        }
    }

    private @Nullable String configuredToken() {
        if (properties.adminTokenFile() != null) {
            try {
                return Files.readString(properties.adminTokenFile()).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("gateway.auth.admin-token-file cannot be read", e);
            }
        }
        String token = properties.adminToken();
        return token == null || token.isBlank() ? null : token.strip();
    }

    /** A fresh install gets a {@code default} project, so the first admin token can call a model at once. */
    private static void createDefaultProject(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO projects (id, name) SELECT 'default', 'Default project' "
                    + "WHERE NOT EXISTS (SELECT 1 FROM projects)");
        }
    }

    private static boolean anyAdminToken(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT 1 FROM api_keys WHERE kind = 'admin' AND revoked_at IS NULL LIMIT 1")) {
            return result.next();
        }
    }

    private static void insertIfAbsent(Connection connection, String keyId, byte[] hash, String lastFour)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO api_keys (id, kind, name, secret_hash, last_four)
                VALUES (?, 'admin', 'bootstrap', ?, ?) ON CONFLICT (id) DO NOTHING""")) {
            insert.setString(1, keyId);
            insert.setBytes(2, hash);
            insert.setString(3, lastFour);
            insert.executeUpdate();
        }
    }
}
