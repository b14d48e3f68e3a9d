package io.llmgateway.app.persistence;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * A reachable PostgreSQL database: what both the R2DBC pool and the JDBC migrations connect to.
 * {@link #toString()} leaves the password out.
 */
public record DatabaseEndpoint(
        String host,
        int port,
        String database,
        String username,
        @Nullable String password,
        @Nullable String sslMode) {

    /** Parses {@code jdbc:postgresql://host[:port]/database[?sslmode=...]}. */
    public static DatabaseEndpoint fromJdbcUrl(String jdbcUrl, String username, @Nullable String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalStateException("gateway.database.url must look like jdbc:postgresql://host:5432/db");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = uri.getPath() == null || uri.getPath().length() <= 1
                ? "postgres"
                : uri.getPath().substring(1);
        String sslMode = null;
        if (uri.getQuery() != null) {
            for (String parameter : uri.getQuery().split("&")) {
                if (parameter.startsWith("sslmode=")) {
                    sslMode = parameter.substring("sslmode=".length());
                }
            }
        }
        return new DatabaseEndpoint(
                uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, username, password, sslMode);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database
                + (sslMode == null ? "" : "?sslmode=" + sslMode);
    }

    @Override
    public String toString() {
        return "DatabaseEndpoint[" + jdbcUrl() + ", user=" + username + "]";
    }
}
