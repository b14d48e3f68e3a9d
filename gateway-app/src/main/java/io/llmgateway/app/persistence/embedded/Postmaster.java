package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.postgresql.Driver;

/**
 * One run of the PostgreSQL server ({@code postgres}, the postmaster) on the data directory, started by the
 * gateway and watched by it until it exits.
 *
 * <p>Its settings are given on the command line, so they win over {@code postgresql.conf} and
 * {@code postgresql.auto.conf}: loopback only, no Unix-domain socket, and the durability settings at PostgreSQL's
 * safe defaults, stated explicitly so that no configuration file can turn them off. Its log goes to
 * {@code log/} in the data directory (PostgreSQL's logging collector, one file a weekday, overwritten a week later);
 * what it prints before the collector runs goes to {@code log/startup.log}.
 */
final class Postmaster {

    static final String LOG_DIRECTORY = "log";

    private final Process process;
    private final Path dataDir;
    private final int port;

    private Postmaster(Process process, Path dataDir, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts the server; {@link #awaitReady} tells when it accepts connections. */
    static Postmaster start(CommandLauncher launcher, PostgresBinaries binaries, Path dataDir, int port) {
        List<String> command = new ArrayList<>(List.of(binaries.postgres().toString(), "-D", dataDir.toString()));
        for (String setting : List.of(
                "port=" + port,
                "listen_addresses=127.0.0.1",
                "unix_socket_directories=",
                "fsync=on",
                "synchronous_commit=on",
                "full_page_writes=on",
                "password_encryption=scram-sha-256",
                "max_connections=300",
                "timezone=UTC",
                "logging_collector=on",
                "log_directory=" + LOG_DIRECTORY,
                "log_filename=postgresql-%a.log",
                "log_truncate_on_rotation=on",
                "log_rotation_age=1d",
                "log_rotation_size=0")) {
            command.add("-c");
            command.add(setting);
        }
        try {
            Path log = dataDir.resolve(LOG_DIRECTORY);
            Files.createDirectories(log);
            Process process = launcher.server(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.resolve("startup.log").toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            return new Postmaster(process, dataDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * Waits until the server accepts the superuser's password, and fails when it exits, refuses the password, or
     * takes longer than {@code limit}, or when {@code abandon} says so (checked five times a second). A server
     * that fails this way is stopped.
     */
    void awaitReady(String password, Duration limit, BooleanSupplier abandon) {
        long deadline = System.nanoTime() + limit.toNanos();
        SQLException last = null;
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("PostgreSQL exited with status " + process.exitValue()
                            + " while starting: " + startupLog());
                }
                if (abandon.getAsBoolean()) {
                    throw new IllegalStateException("start abandoned: the gateway is stopping");
                }
                try (Connection ignored = connect(password)) {
                    if (PostmasterPidFile.of(dataDir)
                                    .map(PostmasterPidFile::pid)
                                    .orElse(-1L)
                            != process.pid()) {
                        throw new IllegalStateException("the server on port " + port + " is not the one started in "
                                + dataDir + " (process " + process.pid() + ")");
                    }
                    return;
                } catch (SQLException e) {
                    if ("28P01".equals(e.getSQLState())) {
                        throw new IllegalStateException(
                                "PostgreSQL in " + dataDir + " refuses the password in " + PasswordFile.NAME + ": "
                                        + e.getMessage(),
                                e);
                    }
                    last = e; // not listening yet, or still starting up
                }
                pause(Duration.ofMillis(200));
            }
            throw new IllegalStateException("PostgreSQL did not accept connections on port " + port + " within " + limit
                    + (last == null ? "" : ": " + last.getMessage()) + "; " + startupLog());
        } catch (RuntimeException e) {
            stop(Duration.ofSeconds(10));
            throw e;
        }
    }

    /** Stops the server with a fast shutdown, bounded (see {@link Signals}); returns when it has exited. */
    void stop(Duration fast) {
        Signals.shutdown(process.toHandle(), fast);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the exit status when the server has exited, for whatever reason. */
    CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** Whether what the server printed before its logging collector took over says that the port was taken. */
    boolean portWasTaken() {
        String log = startupLog();
        return log.contains("Address already in use") || log.contains("could not create any TCP/IP sockets");
    }

    private Connection connect(String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", Initdb.SUPERUSER);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "10");
        properties.setProperty("sslmode", "disable");
        properties.setProperty("ApplicationName", "llm-gateway embedded start");
        Connection connection = new Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver did not take the URL");
        }
        return connection;
    }

    /** The start-up output: what PostgreSQL printed before its logging collector ran (the reason it failed). */
    private String startupLog() {
        try {
            String text = Files.readString(dataDir.resolve(LOG_DIRECTORY).resolve("startup.log"))
                    .strip();
            return text.isEmpty()
                    ? "(see " + dataDir.resolve(LOG_DIRECTORY) + ")"
                    : text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(see " + dataDir.resolve(LOG_DIRECTORY) + ")";
        }
    }

    /** Waits a little, and wakes up when the server exits: a poll interval without sleeping. */
    private void pause(Duration interval) {
        try {
            process.onExit().get(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the interval is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL to start", e);
        }
    }
}
