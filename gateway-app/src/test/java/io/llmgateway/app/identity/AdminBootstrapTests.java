package io.llmgateway.app.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.app.persistence.DatabaseConfiguration;
import io.llmgateway.app.persistence.DatabaseEndpoint;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.auth.key.SecretHash;
import io.llmgateway.testsupport.PostgresSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first admin token: generated and printed exactly once, or taken from configuration. */
class AdminBootstrapTests {

    private DatabaseEndpoint database;

    @BeforeEach
    void freshDatabase() {
        PostgresSupport.Database db = PostgresSupport.newDatabase();
        database = new DatabaseEndpoint(db.host(), db.port(), db.name(), db.username(), db.password(), null);
        new DatabaseConfiguration.SchemaMigrations(database).migrate();
    }

    private String run(IdentityProperties properties) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AdminBootstrap(database, properties, new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static IdentityProperties settings(String token, String hash) {
        return new IdentityProperties(
                token,
                null,
                hash,
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                1000,
                20,
                Duration.ofMinutes(1),
                Duration.ofSeconds(10));
    }

    @Test
    void withNothingConfiguredATokenIsPrintedOnceAndStoredAsAHash() throws Exception {
        String first = run(settings(null, null));
        Matcher token = Pattern.compile("gwa_\\S+").matcher(first);
        assertThat(token.find()).isTrue();
        ApiKeyFormat.ParsedKey parsed = ApiKeyFormat.parse(token.group()).orElseThrow();
        assertThat(storedHash(parsed.keyId())).isEqualTo(SecretHash.of(parsed.secret()));

        assertThat(run(settings(null, null))).as("never again").isEmpty();
        assertThat(projectCount())
                .as("a fresh install gets the default project")
                .isEqualTo(1);
    }

    @Test
    void aConfiguredTokenOrHashIsStoredAndNothingIsPrinted() throws Exception {
        ApiKeyFormat.IssuedKey key = new ApiKeyFormat().issue(KeyKind.ADMIN);
        assertThat(run(settings(key.token(), null))).isEmpty();
        assertThat(storedHash(key.keyId())).isEqualTo(SecretHash.of(key.secret()));

        ApiKeyFormat.IssuedKey other = new ApiKeyFormat().issue(KeyKind.ADMIN);
        String hash = other.keyId() + ":" + HexFormat.of().formatHex(SecretHash.of(other.secret()));
        assertThat(run(settings(null, hash))).isEmpty();
        assertThat(storedHash(other.keyId())).isEqualTo(SecretHash.of(other.secret()));
    }

    @Test
    void aConfiguredTokenThatIsNotAnAdminTokenStopsTheStart() {
        String serviceKey = new ApiKeyFormat().issue(KeyKind.SERVICE).token();
        assertThatThrownBy(() -> run(settings(serviceKey, null)))
                .hasMessageContaining("admin-token")
                .hasMessageNotContaining(serviceKey);
    }

    private int projectCount() throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM projects WHERE id = 'default'")) {
            r.next();
            return r.getInt(1);
        }
    }

    private byte[] storedHash(String keyId) throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                PreparedStatement s =
                        c.prepareStatement("SELECT secret_hash FROM api_keys WHERE id = ? AND kind = 'admin'")) {
            s.setString(1, keyId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getBytes(1) : null;
            }
        }
    }
}
