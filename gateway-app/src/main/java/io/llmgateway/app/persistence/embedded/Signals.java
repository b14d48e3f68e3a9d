package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a postmaster the way PostgreSQL documents, within a bounded time: SIGINT (fast shutdown: open sessions are
 * ended, a shutdown checkpoint is written), then SIGQUIT (immediate shutdown: no checkpoint, the next start
 * recovers from the WAL and loses nothing committed), then SIGKILL. Java itself only sends SIGTERM (PostgreSQL's
 * smart shutdown, which waits for every client) and SIGKILL, so the first two go through {@code kill}.
 */
final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /**
     * Stops the process; returns when it has exited. Waits up to {@code fast} after SIGINT, then 5 s after
     * SIGQUIT, then 5 s after SIGKILL.
     */
    static void shutdown(ProcessHandle postmaster, Duration fast) {
        if (!postmaster.isAlive()) {
            return;
        }
        send(postmaster, "INT");
        if (exited(postmaster, fast)) {
            return;
        }
        log.warn(
                "Embedded PostgreSQL (pid {}) did not stop within {} of a fast shutdown; shutting it down"
                        + " immediately (the next start recovers from its write-ahead log)",
                postmaster.pid(),
                fast);
        send(postmaster, "QUIT");
        if (exited(postmaster, Duration.ofSeconds(5))) {
            return;
        }
        log.warn("Embedded PostgreSQL (pid {}) did not stop after SIGQUIT; killing it", postmaster.pid());
        postmaster.destroyForcibly();
        exited(postmaster, Duration.ofSeconds(5));
    }

    /** Sends a signal by name (INT, QUIT...), with {@code kill} or else the shell's. */
    static void send(ProcessHandle process, String signal) {
        String pid = Long.toString(process.pid());
        for (List<String> command :
                List.of(List.of("kill", "-" + signal, pid), List.of("sh", "-c", "kill -" + signal + " " + pid))) {
            try {
                Process kill =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                if (kill.waitFor(10, TimeUnit.SECONDS)) {
                    return;
                }
                kill.destroyForcibly();
            } catch (IOException e) {
                // no such program: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("Could not send SIG{} to process {}", signal, pid);
    }

    /** Waits until the process has exited or the time is up; whether it has exited. */
    static boolean exited(ProcessHandle process, Duration limit) {
        try {
            process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
