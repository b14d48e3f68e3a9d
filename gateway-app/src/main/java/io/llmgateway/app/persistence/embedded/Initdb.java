package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the database cluster in an empty data directory, with PostgreSQL's safe defaults: data written with
 * fsync (no {@code -F}/{@code --no-sync}), page checksums on, and a password (SCRAM-SHA-256) for every connection.
 * The superuser is {@code postgres}, as before; the collation is PostgreSQL 17's built-in {@code C.UTF-8}, which no
 * operating system upgrade changes under the indexes.
 */
final class Initdb {

    static final String SUPERUSER = "postgres";
    private static final Logger log = LoggerFactory.getLogger(Initdb.class);

    private Initdb() {}

    /** Whether the data directory holds a cluster already. */
    static boolean initialized(Path dataDir) {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    /** Creates the cluster; {@code password} becomes the superuser's. */
    static void run(CommandLauncher launcher, PostgresBinaries binaries, Path dataDir, String password) {
        log.info("Creating the embedded PostgreSQL's database cluster in {}", dataDir);
        Path passwordFile = null;
        try {
            Files.createDirectories(dataDir.getParent());
            // initdb reads the password from a file: a temporary one, created 0600, removed right after
            passwordFile = Files.createTempFile("llm-gateway-initdb", ".pw");
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
            launcher.run(
                    List.of(
                            binaries.initdb().toString(),
                            "--pgdata=" + dataDir,
                            "--username=" + SUPERUSER,
                            "--auth=scram-sha-256",
                            "--pwfile=" + passwordFile,
                            "--encoding=UTF8",
                            "--locale-provider=builtin",
                            "--builtin-locale=C.UTF-8",
                            "--locale=C",
                            "--data-checksums"),
                    "",
                    Duration.ofMinutes(5));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare initdb for " + dataDir, e);
        } finally {
            if (passwordFile != null) {
                try {
                    Files.deleteIfExists(passwordFile);
                } catch (IOException ignored) {
                    // 0600 in the temporary directory; nothing more to do
                }
            }
        }
    }
}
