package io.llmgateway.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests: a Testcontainers container where a Docker engine runs, an embedded PostgreSQL
 * (started from jars) everywhere else. One server per test JVM; each caller gets a fresh database on it.
 */
public final class PostgresSupport {

    private static final Logger log = LoggerFactory.getLogger(PostgresSupport.class);
    private static @Nullable Server server;

    private PostgresSupport() {}

    /** A new, empty database on the shared server. */
    public static synchronized Database newDatabase() {
        if (server == null) {
            server = startServer();
        }
        String name = "gw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.username(), server.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database", e);
        }
        return new Database(server.host(), server.port(), name, server.username(), server.password());
    }

    /**
     * What the shared server is doing now, for a test that timed out: every connection that is not idle (its
     * database, state, wait event and query) and every lock that is waited for. Empty when no server was started.
     */
    public static synchronized String activity() {
        if (server == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        try (Connection connection =
                        DriverManager.getConnection(server.jdbcUrl("postgres"), server.username(), server.password());
                Statement statement = connection.createStatement()) {
            try (java.sql.ResultSet rows = statement.executeQuery("""
                    SELECT pid, datname, application_name, state, wait_event_type, wait_event,
                           now() - state_change AS for, left(query, 200) AS query
                    FROM pg_stat_activity
                    WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()""")) {
                out.append("connections not idle:\n");
                while (rows.next()) {
                    out.append("  pid ")
                            .append(rows.getInt(1))
                            .append(' ')
                            .append(rows.getString(2))
                            .append(" [")
                            .append(rows.getString(3))
                            .append("] ")
                            .append(rows.getString(4))
                            .append(" waiting ")
                            .append(rows.getString(5))
                            .append('/')
                            .append(rows.getString(6))
                            .append(" for ")
                            .append(rows.getString(7))
                            .append(": ")
                            .append(rows.getString(8))
                            .append('\n');
                }
            }
            try (java.sql.ResultSet rows = statement.executeQuery("""
                    SELECT w.pid, w.locktype, w.mode, w.relation::regclass::text AS relation,
                           pg_blocking_pids(w.pid)::text AS blocked_by
                    FROM pg_locks w WHERE NOT w.granted""")) {
                out.append("locks waited for:\n");
                while (rows.next()) {
                    out.append("  pid ")
                            .append(rows.getInt(1))
                            .append(' ')
                            .append(rows.getString(2))
                            .append(' ')
                            .append(rows.getString(3))
                            .append(" on ")
                            .append(rows.getString(4))
                            .append(", blocked by ")
                            .append(rows.getString(5))
                            .append('\n');
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT count(*), current_setting('max_connections') FROM pg_stat_activity")) {
                rows.next();
                out.append("connections: ")
                        .append(rows.getInt(1))
                        .append(" of ")
                        .append(rows.getString(2))
                        .append('\n');
            }
        } catch (SQLException e) {
            out.append("could not read the server's activity: ")
                    .append(e.getMessage())
                    .append('\n');
        }
        return out.toString();
    }

    private static Server startServer() {
        if (dockerAvailable()) {
            log.info("test PostgreSQL: Testcontainers");
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Server(
                    container.getHost(),
                    container.getMappedPort(5432),
                    container.getUsername(),
                    container.getPassword(),
                    frozen -> {
                        if (frozen) {
                            container
                                    .getDockerClient()
                                    .pauseContainerCmd(container.getContainerId())
                                    .exec();
                        } else {
                            container
                                    .getDockerClient()
                                    .unpauseContainerCmd(container.getContainerId())
                                    .exec();
                        }
                    });
        }
        log.info("test PostgreSQL: embedded (no Docker engine)");
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new Server(
                    "localhost",
                    embedded.getPort(),
                    "postgres",
                    "postgres",
                    frozen -> signal(embedded.getPort(), frozen ? "STOP" : "CONT"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Freezes the whole test server, as a database that hangs: its processes are stopped (SIGSTOP, or a paused
     * container), so connections stay open and nothing answers, until the returned handle is closed. For a test of
     * what the gateway does then; nothing else may use the server meanwhile.
     */
    public static synchronized AutoCloseable freeze() {
        Server frozen = Objects.requireNonNull(server, "no server yet: newDatabase() starts it");
        frozen.freezer().accept(true);
        return () -> frozen.freezer().accept(false);
    }

    /** Sends a signal to every process of the embedded server: the postmaster listening on the port and its children. */
    private static void signal(int port, String signal) {
        long postmaster = ProcessHandle.allProcesses()
                .filter(process -> process.info()
                        .commandLine()
                        .map(line -> line.contains("postgres") && line.contains("-p " + port))
                        .orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no postmaster on port " + port));
        List<Long> processes = new ArrayList<>(List.of(postmaster));
        ProcessHandle.of(postmaster)
                .ifPresent(process -> process.descendants().forEach(child -> processes.add(child.pid())));
        try {
            for (long pid : processes) {
                Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid))
                        .redirectErrorStream(true)
                        .start();
                boolean done = kill.waitFor(10, TimeUnit.SECONDS);
                // a backend may end between the listing and its signal (its client left): nothing to stop or continue
                boolean gone = pid != postmaster
                        && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
                if (!done || (kill.exitValue() != 0 && !gone)) {
                    throw new IllegalStateException("could not send SIG" + signal + " to the test PostgreSQL: "
                            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Server(String host, int port, String username, String password, Consumer<Boolean> freezer) {

        String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /** Coordinates of one test database. */
    public record Database(String host, int port, String name, String username, String password) {

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        /** The rows of a query, each as column name to value, in order (test assertions only). */
        public List<Map<String, Object>> query(String sql, Object... parameters) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl(), username, password);
                    PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                List<Map<String, Object>> rows = new ArrayList<>();
                try (ResultSet result = statement.executeQuery()) {
                    ResultSetMetaData meta = result.getMetaData();
                    while (result.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= meta.getColumnCount(); c++) {
                            row.put(meta.getColumnLabel(c), result.getObject(c));
                        }
                        rows.add(row);
                    }
                }
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Executes SQL statements directly (test setup and assertions only). */
        public void execute(String sql) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl(), username, password);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
