package io.llmgateway.app.persistence;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the gateway keeps its data.
 *
 * @param url          JDBC URL of an external PostgreSQL, e.g. {@code jdbc:postgresql://db:5432/gateway}; when
 *                     empty the gateway starts an embedded PostgreSQL (one replica only)
 * @param username     database user (default {@code postgres})
 * @param password     database password; prefer {@code password-file} in production
 * @param passwordFile a file holding the password (a mounted secret); wins over {@code password}
 * @param poolSize     largest number of open R2DBC connections (default 20)
 * @param migrate      apply schema migrations at start-up (default true; a Helm hook Job may do it instead)
 * @param embedded     settings of the embedded PostgreSQL
 * @param statementTimeout the longest one statement may run, enforced by PostgreSQL and, for a database that does
 *                         not answer at all, by the gateway itself (default 10s); then the request gets 503
 *                         {@code database_unavailable}
 * @param acquireTimeout   the longest a request waits for a pooled connection (default 5s)
 */
@Validated
@ConfigurationProperties("gateway.database")
public record DatabaseProperties(
        @Nullable String url,

        @DefaultValue("postgres") String username,
        @Nullable String password,
        @Nullable Path passwordFile,
        @DefaultValue("20") @Min(1) int poolSize,
        @DefaultValue("true") boolean migrate,
        @DefaultValue @Valid Embedded embedded,

        @DefaultValue("10s") @DurationMin(nanos = 0, inclusive = false)
        Duration statementTimeout,

        @DefaultValue("5s") @DurationMin(nanos = 0, inclusive = false)
        Duration acquireTimeout) {

    @ConstructorBinding
    public DatabaseProperties {}

    /** The settings with the default timeouts (tests and tools build it by hand). */
    public DatabaseProperties(
            @Nullable String url,
            String username,
            @Nullable String password,
            @Nullable Path passwordFile,
            int poolSize,
            boolean migrate,
            Embedded embedded) {
        this(
                url,
                username,
                password,
                passwordFile,
                poolSize,
                migrate,
                embedded,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5));
    }

    /** A method rather than a pattern on {@code url}: a refused value is printed, and a URL may hold a password. */
    @AssertTrue(message = "url must look like jdbc:postgresql://host:5432/db") boolean isUrlAPostgresJdbcUrl() {
        return url == null || url.isBlank() || url.strip().startsWith("jdbc:postgresql://");
    }

    public boolean isEmbedded() {
        return url == null || url.isBlank();
    }

    /**
     * The embedded PostgreSQL: a server process the gateway starts, watches and stops. It requires a password
     * (generated at the first start, kept in {@code llm-gateway.password} inside {@code data-dir}), listens on
     * 127.0.0.1 only and writes with fsync.
     *
     * @param dataDir      where its files live; they survive restarts (default {@code ./data/postgres})
     * @param port         its port on the loopback interface; 0 picks a free one at start-up, kept while the gateway
     *                     runs (default 0)
     * @param startTimeout the longest a start of it may take, crash recovery included (default 2m)
     * @param stopTimeout  the longest its fast shutdown may take at the gateway's stop before it is shut down
     *                     immediately, which loses nothing committed (default 10s)
     */
    public record Embedded(
            @DefaultValue("./data/postgres") Path dataDir,
            @DefaultValue("0") @Min(0) @Max(65535) int port,

            @DefaultValue("2m") @DurationMin(nanos = 0, inclusive = false)
            Duration startTimeout,

            @DefaultValue("10s") @DurationMin(nanos = 0) Duration stopTimeout) {

        @ConstructorBinding
        public Embedded {}

        /** The default timeouts. */
        public Embedded(Path dataDir, int port) {
            this(dataDir, port, Duration.ofMinutes(2), Duration.ofSeconds(10));
        }
    }
}
