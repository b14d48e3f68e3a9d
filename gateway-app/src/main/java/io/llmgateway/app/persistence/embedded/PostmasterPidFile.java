package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code postmaster.pid}, PostgreSQL's lock file in the data directory: the process id of the postmaster that
 * holds the directory (first line) and its port (fourth line). PostgreSQL removes it at a clean stop; after a
 * {@code kill -9} it stays behind.
 *
 * @param file the lock file
 * @param pid  the process id it names
 */
record PostmasterPidFile(Path file, long pid) {

    static final String NAME = "postmaster.pid";

    /** The lock file of the data directory, if there is one with a readable process id. */
    static Optional<PostmasterPidFile> of(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.get(0).strip().matches("\\d{1,10}")) {
                return Optional.empty();
            }
            return Optional.of(
                    new PostmasterPidFile(file, Long.parseLong(lines.get(0).strip())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Removes the file: only when no postmaster of this data directory runs. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale " + file, e);
        }
    }
}
