package io.llmgateway.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL, started as the gateway starts it: its data survives restarts, it is safe (a password,
 * fsync, loopback only) and it outlives what a gateway can do to it: an orphan left by a killed gateway is stopped,
 * a stale {@code postmaster.pid} does not block, a postmaster killed under a running gateway comes back on its port.
 */
class DatabaseServerTests {

    private static final String PASSWORD_FILE = "llm-gateway.password";

    @TempDir
    Path dataDir;

    /** Processes a test started (or left behind) that must not outlive it, killed by their own pid. */
    private final List<ProcessHandle> leftovers = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        leftovers.forEach(ProcessHandle::destroyForcibly);
    }

    private DatabaseProperties embedded() {
        return embedded(0);
    }

    private DatabaseProperties embedded(int port) {
        return new DatabaseProperties(
                null, "postgres", null, null, 4, true, new DatabaseProperties.Embedded(pgData(), port));
    }

    private Path pgData() {
        return dataDir.resolve("pg");
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
        assertThat(pgData().resolve("postmaster.pid"))
                .as("stopped, not abandoned")
                .doesNotExist();

        DatabaseServer second = new DatabaseServer(embedded());
        try {
            assertThat(second.endpoint().password())
                    .as("the same password after a restart")
                    .isEqualTo(first.endpoint().password());
            assertThat(new DatabaseConfiguration.SchemaMigrations(second.endpoint()).migrate())
                    .isZero();
            assertThat(query(second.endpoint(), "SELECT v FROM survivor")).isEqualTo("still here");
        } finally {
            second.destroy();
        }
    }

    @Test
    void aPasswordIsRequiredAndItIsKeptOnlyForTheOwnerInTheDataDirectory() throws Exception {
        DatabaseServer server = new DatabaseServer(embedded());
        try {
            DatabaseEndpoint endpoint = server.endpoint();
            Path passwordFile = pgData().resolve(PASSWORD_FILE);
            assertThat(passwordFile).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
                    .isEqualTo("rw-------");
            String password = Files.readString(passwordFile).strip();
            assertThat(endpoint.password()).isEqualTo(password);
            // 256 random bits, URL-safe Base64
            assertThat(password).matches("[A-Za-z0-9_-]{43}");

            assertThat(query(endpoint, "SELECT current_user")).isEqualTo("postgres");
            assertThatThrownBy(() -> connect(endpoint, "postgres"))
                    .as("a wrong password")
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> connect(endpoint, null))
                    .as("no password (trust)")
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThat(query(endpoint, "SHOW password_encryption")).isEqualTo("scram-sha-256");
            assertThat(query(
                            endpoint,
                            "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid" + " WHERE rolname = 'postgres'"))
                    .isEqualTo("t");
            assertThat(hbaMethods()).containsOnly("scram-sha-256");
            assertThat(query(endpoint, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(query(endpoint, "SHOW unix_socket_directories"))
                    .as("no Unix socket")
                    .isEmpty();
            assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        } finally {
            server.destroy();
        }
    }

    @Test
    void committedDataIsSyncedToDisk() throws Exception {
        DatabaseServer server = new DatabaseServer(embedded());
        try {
            DatabaseEndpoint endpoint = server.endpoint();
            assertThat(query(endpoint, "SHOW fsync")).isEqualTo("on");
            assertThat(query(endpoint, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(query(endpoint, "SHOW full_page_writes")).isEqualTo("on");
            assertThat(query(endpoint, "SHOW data_checksums")).isEqualTo("on");
        } finally {
            server.destroy();
        }
    }

    /**
     * A Ctrl-C in a terminal, or a signal to the gateway's process group, must not reach the database: the
     * gateway stops it itself, after it has written what it holds. (pg_ctl, which the code before used, detached
     * the server too; this guards the gateway's own start.)
     */
    @Test
    void theServerRunsInASessionOfItsOwn() throws Exception {
        DatabaseServer server = new DatabaseServer(embedded());
        try {
            long postmaster = postmasterPid();
            assertThat(session(postmaster))
                    .isEqualTo(postmaster)
                    .isNotEqualTo(session(ProcessHandle.current().pid()));
        } finally {
            server.destroy();
        }
    }

    @Test
    void aDataDirectoryOfTheOldTrustSetupKeepsItsDataAndNowRequiresAPassword() throws Exception {
        // what the gateway made before: zonky's initdb -A trust -U postgres, password "postgres" unused
        try (EmbeddedPostgres old = EmbeddedPostgres.builder()
                        .setDataDirectory(pgData())
                        .setCleanDataDirectory(false)
                        .start();
                Connection c = old.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survivor (v text); INSERT INTO survivor VALUES ('from the trust days')");
        }
        assertThat(hbaMethods()).contains("trust");

        DatabaseServer server = new DatabaseServer(embedded());
        try {
            DatabaseEndpoint endpoint = server.endpoint();
            assertThat(query(endpoint, "SELECT v FROM survivor")).isEqualTo("from the trust days");
            assertThat(endpoint.password())
                    .isNotEqualTo("postgres")
                    .isEqualTo(Files.readString(pgData().resolve(PASSWORD_FILE)).strip());
            assertThat(hbaMethods()).containsOnly("scram-sha-256");
            assertThatThrownBy(() -> connect(endpoint, null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(endpoint, "postgres")).isInstanceOf(SQLException.class);
        } finally {
            server.destroy();
        }

        DatabaseServer again = new DatabaseServer(embedded());
        try {
            assertThat(query(again.endpoint(), "SELECT v FROM survivor")).isEqualTo("from the trust days");
        } finally {
            again.destroy();
        }
    }

    @Test
    void thePostgresOfAKilledGatewayIsStoppedAndTheNextStartWorks() throws Exception {
        Process gateway = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedServerProcess.class.getName(),
                        pgData().toString())
                .redirectErrorStream(true)
                .start();
        leftovers.add(gateway.toHandle());
        String ready = awaitLine(gateway, "READY ", Duration.ofSeconds(120));
        long orphan = postmasterPid();
        ProcessHandle.of(orphan).ifPresent(leftovers::add);

        gateway.destroyForcibly(); // kill -9: nothing of the gateway's runs any more
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive))
                .as("its PostgreSQL lives on")
                .contains(true);

        DatabaseServer server = new DatabaseServer(embedded());
        try {
            assertThat(query(server.endpoint(), "SELECT v FROM survivor")).isEqualTo("written before kill -9");
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                    .as("the orphan (%s) was stopped", ready)
                    .isFalse();
            assertThat(postmasterPid()).isNotEqualTo(orphan);
        } finally {
            server.destroy();
        }
    }

    @Test
    void aStalePidFileDoesNotBlockTheStart() throws Exception {
        DatabaseServer first = new DatabaseServer(embedded());
        try {
            execute(first.endpoint(), "CREATE TABLE survivor (v text); INSERT INTO survivor VALUES ('kept')");
        } finally {
            first.destroy();
        }
        Path pidFile = pgData().resolve("postmaster.pid");
        assertThat(pidFile).doesNotExist();

        // a process that is gone: PostgreSQL itself sees that the lock file is stale
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(pidFile, gone.pid() + "\n" + pgData() + "\n");
        DatabaseServer afterDeadPid = new DatabaseServer(embedded());
        try {
            assertThat(query(afterDeadPid.endpoint(), "SELECT v FROM survivor")).isEqualTo("kept");
        } finally {
            afterDeadPid.destroy();
        }

        // a live process that took the number over (after a reboot, or in a new container): not ours to stop, and
        // PostgreSQL alone would refuse to start ("lock file already exists")
        Process stranger = new ProcessBuilder("sleep", "300").start();
        leftovers.add(stranger.toHandle());
        Files.writeString(pidFile, stranger.pid() + "\n" + pgData() + "\n");
        DatabaseServer afterReusedPid = new DatabaseServer(embedded());
        try {
            assertThat(query(afterReusedPid.endpoint(), "SELECT v FROM survivor"))
                    .isEqualTo("kept");
            assertThat(stranger.isAlive())
                    .as("the unrelated process is left alone")
                    .isTrue();
        } finally {
            afterReusedPid.destroy();
        }
    }

    @Test
    void aPostmasterKilledWhileTheGatewayRunsIsRestartedOnTheSamePort() throws Exception {
        DatabaseServer server = new DatabaseServer(embedded());
        try {
            DatabaseEndpoint endpoint = server.endpoint();
            execute(endpoint, "CREATE TABLE survivor (v text); INSERT INTO survivor VALUES ('committed')");
            long killed = postmasterPid();

            ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // kill -9 of the postmaster

            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            Optional<String> value = Optional.empty();
            while (value.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(250);
                try {
                    value = Optional.of(query(endpoint, "SELECT v FROM survivor"));
                } catch (SQLException notYet) {
                    // not back yet
                }
            }
            assertThat(value).as("back on port %d", endpoint.port()).contains("committed");
            assertThat(server.endpoint().port()).isEqualTo(endpoint.port());
            assertThat(postmasterPid()).isNotEqualTo(killed);
        } finally {
            server.destroy();
        }
        assertThat(pgData().resolve("postmaster.pid"))
                .as("the restarted one is stopped too")
                .doesNotExist();
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

    /** The authentication methods of {@code pg_hba.conf}'s rules. */
    private List<String> hbaMethods() throws Exception {
        List<String> methods = new ArrayList<>();
        for (String line : Files.readAllLines(pgData().resolve("pg_hba.conf"))) {
            String rule = line.replaceAll("#.*", "").strip();
            if (!rule.isEmpty()) {
                String[] fields = rule.split("\\s+");
                methods.add(fields[0].equals("local") ? fields[3] : fields[4]);
            }
        }
        return methods;
    }

    /** The session id of a process ({@code /proc/<pid>/stat}: state, parent, group, session after the name). */
    private static long session(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    private long postmasterPid() throws Exception {
        return Long.parseLong(
                Files.readAllLines(pgData().resolve("postmaster.pid")).get(0).strip());
    }

    private static String awaitLine(Process process, String prefix, Duration limit) throws Exception {
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String next = reader.readLine(); next != null; next = reader.readLine()) {
                    output.append(next).append('\n');
                    if (next.startsWith(prefix)) {
                        return next;
                    }
                }
                throw new IllegalStateException("the process ended: " + output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return line.get(limit.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no '" + prefix + "' within " + limit + ": " + output, e);
        }
    }

    private static Connection connect(DatabaseEndpoint endpoint, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.username());
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(endpoint.jdbcUrl(), properties);
    }

    private static void execute(DatabaseEndpoint endpoint, String sql) throws Exception {
        try (Connection c = connect(endpoint, endpoint.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(DatabaseEndpoint endpoint, String sql) throws SQLException {
        try (Connection c = connect(endpoint, endpoint.password());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
