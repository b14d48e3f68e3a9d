package io.llmgateway.app.persistence.embedded;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the embedded server when it exits while the gateway runs (a crash, the out-of-memory killer, a stray
 * {@code kill}): the exit is logged at ERROR, then a new start is tried after 1 s, and after each failed try the
 * wait doubles, up to 30 s, until one succeeds or the gateway stops. The connections of the gateway (the R2DBC
 * pool, the {@code LISTEN} connection) reconnect by themselves to the same port.
 *
 * <p>It waits on its own daemon thread (and on {@link Process#onExit()}), never on a request's thread. An exit
 * caused by the gateway's own stop is not a failure: {@link #close()} comes first.
 */
final class Watchdog {

    /** A new start of the server, on the same port; throws when it fails. */
    interface Restart {
        Postmaster start();
    }

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration LONGEST_DELAY = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    private final Restart restart;
    private final String description;
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread watchdog = new Thread(runnable, "embedded-postgres-watchdog");
        watchdog.setDaemon(true);
        return watchdog;
    });
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean up;
    private volatile boolean closed;

    /**
     * @param description what to name the server in the log, e.g. its data directory and port
     */
    Watchdog(Restart restart, String description) {
        this.restart = restart;
        this.description = description;
        // at close, a restart that waits for its turn is dropped; one under way is let finish (it gives up early)
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Watches a running server: from now on its exit is a failure, until {@link #close()}. */
    void watch(Postmaster postmaster) {
        up = true;
        postmaster
                .onExit()
                .thenAcceptAsync(status -> exited(postmaster, status), thread)
                .exceptionally(rejected -> null); // closed meanwhile
    }

    /** Whether the server runs and accepted connections at its last start. */
    boolean up() {
        return up;
    }

    /** How many times the server was started again after it exited. */
    long restarts() {
        return restarts.get();
    }

    private void exited(Postmaster postmaster, int status) {
        up = false;
        if (closed) {
            return;
        }
        log.error(
                "The embedded PostgreSQL ({}, pid {}) exited with status {} while the gateway was running;"
                        + " restarting it",
                description,
                postmaster.pid(),
                status);
        schedule(FIRST_DELAY, 1);
    }

    private void attempt(Duration delay, int attempt) {
        if (closed) {
            return;
        }
        try {
            Postmaster started = restart.start();
            restarts.incrementAndGet();
            log.warn(
                    "The embedded PostgreSQL ({}) runs again (pid {}), restarted at attempt {}",
                    description,
                    started.pid(),
                    attempt);
            watch(started);
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            Duration next = delay.multipliedBy(2).compareTo(LONGEST_DELAY) > 0 ? LONGEST_DELAY : delay.multipliedBy(2);
            log.error(
                    "Could not restart the embedded PostgreSQL ({}), attempt {}: {}; trying again in {} s",
                    description,
                    attempt,
                    e.getMessage(),
                    next.toSeconds());
            schedule(next, attempt + 1);
        }
    }

    private void schedule(Duration delay, int attempt) {
        try {
            // attempt() reports its own failures and schedules the next one
            var unused = thread.schedule(() -> attempt(delay, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * No more restarts. An attempt under way is not interrupted: it notices that the gateway stops (the start it
     * waits for is abandoned and stopped, see {@link Postmaster#awaitReady}); this waits for it to end, at most
     * {@code limit}.
     */
    void close(Duration limit) {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
