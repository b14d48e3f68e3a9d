package io.llmgateway.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL keeps its data across restarts; migrations apply once. */
class DatabaseServerTests {

    @TempDir
    Path dataDir;

    private DatabaseProperties embedded() {
        return new DatabaseProperties(null, "postgres", null, null, 4, true,
                new DatabaseProperties.Embedded(dataDir.resolve("pg"), 0));
    }

    @Test
    void theEmbeddedDatabaseSurvivesARestartAndMigrationsRunOnce() throws Exception {
        DatabaseServer first = new DatabaseServer(embedded());
        try {
            DatabaseConfiguration.SchemaMigrations migrations =
                    new DatabaseConfiguration.SchemaMigrations(first.endpoint());
            assertThat(migrations.migrate()).isPositive();
            execute(first.endpoint(), "CREATE TABLE survivor (v text); INSERT INTO survivor VALUES ('still here')");
        } finally {
            first.destroy();
        }

        DatabaseServer second = new DatabaseServer(embedded());
        try {
            assertThat(new DatabaseConfiguration.SchemaMigrations(second.endpoint()).migrate()).isZero();
            assertThat(query(second.endpoint(), "SELECT v FROM survivor")).isEqualTo("still here");
        } finally {
            second.destroy();
        }
    }

    @Test
    void anExternalUrlIsParsedAndItsPasswordStaysOutOfToString() {
        DatabaseEndpoint endpoint = DatabaseEndpoint.fromJdbcUrl(
                "jdbc:postgresql://db.internal:6543/gateway?sslmode=require", "gw", "s3cret");
        assertThat(endpoint.host()).isEqualTo("db.internal");
        assertThat(endpoint.port()).isEqualTo(6543);
        assertThat(endpoint.database()).isEqualTo("gateway");
        assertThat(endpoint.sslMode()).isEqualTo("require");
        assertThat(endpoint.toString()).doesNotContain("s3cret");
    }

    private static void execute(DatabaseEndpoint endpoint, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(DatabaseEndpoint endpoint, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.username(), endpoint.password());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
