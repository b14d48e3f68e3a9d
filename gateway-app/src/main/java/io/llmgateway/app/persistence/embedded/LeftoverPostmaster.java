package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway that did not stop its PostgreSQL left in the data directory, cleared before a start.
 *
 * <ul>
 *   <li>A <b>live postmaster of this data directory</b> (the process that {@code postmaster.pid} names runs
 *   PostgreSQL's server program, and its working directory, or its {@code -D}, is this directory): the orphan of
 *   a gateway killed with {@code kill -9}. It holds the directory and the port, so it is stopped (fast shutdown,
 *   bounded; see {@link Signals}).</li>
 *   <li>A <b>live process that is something else</b>: the number was reused (after a reboot, or in a new
 *   container, where the gateway itself may have it). PostgreSQL would refuse to start ("lock file already
 *   exists"), so the stale file is removed.</li>
 *   <li>A <b>process that is gone</b>: PostgreSQL sees that itself and replaces the file; nothing to do.</li>
 * </ul>
 *
 * <p>Only a caller that holds the {@link DataDirectoryLock} may do this: then no running gateway owns the
 * postmaster found.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    private LeftoverPostmaster() {}

    /** Clears the data directory for a start, as above. */
    static void clear(Path dataDir, Duration fastShutdown) {
        Optional<PostmasterPidFile> lock = PostmasterPidFile.of(dataDir);
        if (lock.isEmpty()) {
            return;
        }
        long pid = lock.get().pid();
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            log.info(
                    "The embedded PostgreSQL was not shut down cleanly (process {} is gone); it recovers from its"
                            + " write-ahead log as it starts",
                    pid);
            return;
        }
        if (isPostmasterOf(process.get(), dataDir)) {
            log.warn(
                    "Found the embedded PostgreSQL (pid {}) still running from a gateway that ended without"
                            + " stopping it (kill -9?); stopping it",
                    pid);
            Signals.shutdown(process.get(), fastShutdown);
            log.info("Stopped the left-over PostgreSQL (pid {})", pid);
        } else {
            log.warn(
                    "{} names process {}, which is not a PostgreSQL of this data directory (its number was reused);"
                            + " removing the stale file",
                    lock.get().file(),
                    pid);
            lock.get().delete();
        }
    }

    /**
     * Whether the process is a postmaster (PostgreSQL's server program, not one of its children, whose command
     * lines read {@code postgres: ...}) working on this data directory.
     */
    static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        List<String> arguments;
        Optional<Path> workingDir = Optional.empty();
        if (Files.isDirectory(proc)) {
            try {
                arguments = List.of(
                        new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
            } catch (IOException e) {
                return false; // gone, or not ours to read
            }
            try {
                workingDir = Optional.of(Files.readSymbolicLink(proc.resolve("cwd")));
            } catch (IOException | UnsupportedOperationException e) {
                // not readable: the -D argument decides
            }
        } else {
            ProcessHandle.Info info = process.info();
            if (info.command().isEmpty()) {
                return false;
            }
            arguments = new ArrayList<>();
            arguments.add(info.command().get());
            arguments.addAll(List.of(info.arguments().orElse(new String[0])));
        }
        if (arguments.isEmpty()
                || !Path.of(arguments.get(0)).getFileName().toString().equals("postgres")) {
            return false;
        }
        if (workingDir.isPresent() && sameDirectory(workingDir.get(), dataDir)) {
            return true; // the postmaster works in its data directory
        }
        for (int i = 1; i + 1 < arguments.size(); i++) {
            if (arguments.get(i).equals("-D") && sameDirectory(Path.of(arguments.get(i + 1)), dataDir)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return a.isAbsolute() && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
