package io.llmgateway.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.testsupport.PostgresSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mode the Helm migration Job runs: migrate, then exit with a status. */
class MigrateOnlyTests {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String[] args, Map<String, String> env) {
        return MigrateOnly.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void migratesAnExternalDatabaseFromTheEnvironmentWithAPasswordFile(@TempDir Path dir) throws Exception {
        PostgresSupport.Database db = PostgresSupport.newDatabase();
        Path passwordFile = Files.writeString(dir.resolve("password"), db.password() + "\n");
        Map<String, String> env = Map.of(
                "GATEWAY_DATABASE_MIGRATE_ONLY",
                "true",
                "GATEWAY_DATABASE_URL",
                db.jdbcUrl(),
                "GATEWAY_DATABASE_USERNAME",
                db.username(),
                "GATEWAY_DATABASE_PASSWORD_FILE",
                passwordFile.toString());
        assertThat(MigrateOnly.requested(new String[0], env)).isTrue();

        assertThat(run(new String[0], env)).isZero();
        long migrations;
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.filter(file -> file.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .count();
        }
        assertThat(migrations).isGreaterThanOrEqualTo(4);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(migrations + " migration(s) applied");
        db.execute("SELECT count(*) FROM api_keys");
        assertThat(run(new String[0], env)).as("idempotent").isZero();
    }

    @Test
    void aMissingUrlOrAnUnreachableDatabaseExitsNonZero() {
        assertThat(MigrateOnly.requested(new String[] {"--gateway.database.migrate-only=true"}, Map.of()))
                .isTrue();
        assertThat(run(new String[] {"--gateway.database.migrate-only=true"}, Map.of()))
                .isEqualTo(2);
        assertThat(run(new String[] {"--gateway.database.url=jdbc:postgresql://127.0.0.1:1/none"}, Map.of()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Migrating the schema failed");
    }
}
