package io.llmgateway.app.persistence.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an existing cluster require the password of its {@link PasswordFile}, before the server listens.
 *
 * <p>Nothing to do when the file exists and {@code pg_hba.conf} lets nobody in without a password: the usual
 * start. Otherwise (a data directory of the gateway before it had a password, whose rules said {@code trust} for
 * every local connection; or a lost password file) the superuser gets the password of the file, or a new one, in
 * PostgreSQL's single-user mode, which needs no connection and so no authentication; then the file is written, and
 * then the rules are replaced. Each step can be repeated, so a crash between them is mended at the next start.
 * This happens before the server is started, rather than by a reload of a running server, so that no moment
 * exists in which it listens with {@code trust}.
 */
final class Credentials {

    private static final Logger log = LoggerFactory.getLogger(Credentials.class);

    private Credentials() {}

    /** Returns the superuser's password, after making the cluster require it. The server must not run. */
    static String ensure(CommandLauncher launcher, PostgresBinaries binaries, Path dataDir) {
        PasswordFile file = new PasswordFile(dataDir);
        ClientAuthentication rules = new ClientAuthentication(dataDir);
        boolean open = rules.letsInWithoutPassword();
        Optional<String> kept = file.read();
        if (kept.isPresent() && !open) {
            return kept.get();
        }
        String password = kept.orElseGet(PasswordFile::generate);
        setPassword(launcher, binaries, dataDir, password);
        if (kept.isEmpty()) {
            file.write(password);
        }
        if (open) {
            rules.requirePassword();
            log.warn(
                    "The embedded PostgreSQL in {} let every local process in without a password (trust); its"
                            + " superuser now has a generated password, kept in {}, and every connection needs it",
                    dataDir,
                    file.path());
        } else {
            log.warn(
                    "The password file of the embedded PostgreSQL was missing; the superuser has a new password,"
                            + " kept in {}",
                    file.path());
        }
        return password;
    }

    private static void setPassword(
            CommandLauncher launcher, PostgresBinaries binaries, Path dataDir, String password) {
        String output;
        try {
            output = launcher.run(
                    List.of(
                            binaries.postgres().toString(),
                            "--single",
                            "-D",
                            dataDir.toString(),
                            "-c",
                            "unix_socket_directories=",
                            "-c",
                            "logging_collector=off",
                            "-c",
                            "password_encryption=scram-sha-256",
                            Initdb.SUPERUSER),
                    "ALTER ROLE " + Initdb.SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "'\n",
                    Duration.ofMinutes(10));
        } catch (IllegalStateException e) {
            // its output may quote the statement
            throw new IllegalStateException(String.valueOf(e.getMessage()).replace(password, "********"));
        }
        if (output.contains("ERROR:") || output.contains("FATAL:")) {
            throw new IllegalStateException(
                    "could not set the embedded PostgreSQL's password: " + output.replace(password, "********"));
        }
    }
}
