package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL: a server process that the gateway owns from start to stop.
 *
 * <p><b>Start</b> ({@link #start}): the programs are unpacked ({@link PostgresBinaries}); a new data directory
 * gets a cluster ({@link Initdb}) and a password ({@link PasswordFile}); an existing one is locked against a
 * second gateway ({@link DataDirectoryLock}), cleared of what a killed gateway left ({@link LeftoverPostmaster}),
 * and made to require the password ({@link Credentials}); then the server runs in a session of its own, as
 * nobody's root ({@link CommandLauncher}, {@link Postmaster}).
 *
 * <p><b>While the gateway runs</b>, a {@link Watchdog} restarts it on the same port if it exits.
 *
 * <p><b>Stop</b> ({@link #close}) is the caller's to time: no JVM shutdown hook stops it. The gateway does it
 * last, after everything that writes to the database has written.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final int PORT_ATTEMPTS = 3;

    private final EmbeddedSettings settings;
    private final Path dataDir;
    private final CommandLauncher launcher;
    private final PostgresBinaries binaries;
    private final DataDirectoryLock lock;
    private final String password;
    private final Object lifecycle = new Object();
    private final Watchdog watchdog;
    private @Nullable Postmaster current; // guarded by lifecycle
    private volatile int port;
    private volatile boolean stopping;
    private boolean closed; // guarded by lifecycle

    private EmbeddedPostgresServer(
            EmbeddedSettings settings,
            Path dataDir,
            CommandLauncher launcher,
            PostgresBinaries binaries,
            DataDirectoryLock lock,
            String password) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.launcher = launcher;
        this.binaries = binaries;
        this.lock = lock;
        this.password = password;
        this.watchdog = new Watchdog(this::restart, "data in " + dataDir);
    }

    /** Starts the server; returns when it accepts connections. */
    public static EmbeddedPostgresServer start(EmbeddedSettings settings) {
        Path dataDir = settings.dataDir().toAbsolutePath().normalize();
        CommandLauncher launcher = CommandLauncher.detect();
        PostgresBinaries binaries = PostgresBinaries.prepare();
        DataDirectoryLock lock;
        String password;
        if (Initdb.initialized(dataDir)) {
            lock = DataDirectoryLock.acquire(dataDir);
            try {
                LeftoverPostmaster.clear(dataDir, settings.stopTimeout());
                password = Credentials.ensure(launcher, binaries, dataDir);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        } else {
            password = PasswordFile.generate();
            Initdb.run(launcher, binaries, dataDir, password);
            lock = DataDirectoryLock.acquire(dataDir);
            try {
                new PasswordFile(dataDir).write(password);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }
        EmbeddedPostgresServer server =
                new EmbeddedPostgresServer(settings, dataDir, launcher, binaries, lock, password);
        try {
            server.firstStart();
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return server;
    }

    private void firstStart() {
        synchronized (lifecycle) {
            port = settings.port() > 0 ? settings.port() : freeLoopbackPort();
            Postmaster started;
            for (int attempt = 1; ; attempt++) {
                Postmaster postmaster = Postmaster.start(launcher, binaries, dataDir, port);
                try {
                    postmaster.awaitReady(password, settings.startTimeout(), () -> stopping);
                    started = postmaster;
                    break;
                } catch (IllegalStateException e) {
                    if (settings.port() > 0 || attempt == PORT_ATTEMPTS || !postmaster.portWasTaken()) {
                        throw e;
                    }
                    log.info("Port {} was taken meanwhile; trying another", port);
                    port = freeLoopbackPort();
                }
            }
            current = started;
            log.info(
                    "Embedded PostgreSQL on 127.0.0.1:{} (pid {}{}), data in {}, its password in {}; set"
                            + " gateway.database.url for an external one",
                    port,
                    started.pid(),
                    launcher.ownSession() ? ", a session of its own" : "",
                    dataDir,
                    dataDir.resolve(PasswordFile.NAME));
            watchdog.watch(started);
        }
    }

    /** The watchdog's new start after an exit: same port, same password. */
    private Postmaster restart() {
        synchronized (lifecycle) {
            if (stopping) {
                throw new IllegalStateException("the gateway is stopping");
            }
            binaries.ensurePresent();
            LeftoverPostmaster.clear(dataDir, settings.stopTimeout());
            Postmaster postmaster = Postmaster.start(launcher, binaries, dataDir, port);
            current = postmaster;
            postmaster.awaitReady(password, settings.startTimeout(), () -> stopping);
            return postmaster;
        }
    }

    public int port() {
        return port;
    }

    public String username() {
        return Initdb.SUPERUSER;
    }

    public String password() {
        return password;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether the server runs and accepts connections (as of its last start; false during a restart). */
    public boolean isUp() {
        return !stopping && watchdog.up();
    }

    /** How many times the watchdog started the server again after it had exited. */
    public long restarts() {
        return watchdog.restarts();
    }

    /**
     * Stops the server (fast shutdown, bounded) and releases the data directory; no restart follows. Returns when
     * the server has exited.
     */
    @Override
    public void close() {
        stopping = true;
        watchdog.close(settings.startTimeout().plus(settings.stopTimeout()).plusSeconds(10));
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (current != null && current.isAlive()) {
                log.info("Stopping the embedded PostgreSQL (pid {})", current.pid());
                current.stop(settings.stopTimeout());
                log.info("Embedded PostgreSQL stopped");
            }
            lock.close();
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
