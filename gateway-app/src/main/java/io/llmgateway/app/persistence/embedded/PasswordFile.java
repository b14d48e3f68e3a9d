package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The password of the embedded server's superuser, {@code llm-gateway.password} inside the data directory, readable
 * by its owner only (0600).
 *
 * <p>Inside rather than next to the data directory: PostgreSQL insists that the data directory belongs to the
 * server's user and is closed to others (0700), so the file sits behind a second closed door whatever the
 * directory above allows (e.g. a volume mounted 0755); it moves, is backed up, restored and deleted together with
 * the cluster whose password it is, so the two cannot drift apart; and it works when the data directory is itself
 * the mount point of a volume, where nothing next to it survives.
 */
final class PasswordFile {

    static final String NAME = "llm-gateway.password";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Logger log = LoggerFactory.getLogger(PasswordFile.class);

    private final Path file;

    PasswordFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
    }

    Path path() {
        return file;
    }

    /** A new password: 256 random bits, URL-safe Base64 (43 characters, nothing to quote). */
    static String generate() {
        byte[] bits = new byte[32];
        new SecureRandom().nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** The password, if the file exists; its permissions are narrowed to 0600 when they were wider. */
    Optional<String> read() {
        try {
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty() || password.contains("\n") || password.contains("\r")) {
                throw new IllegalStateException(file + " must hold the password on one line");
            }
            if (supportsPosix() && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                log.warn("{} was readable by others than its owner; it is now 0600", file);
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            return Optional.of(password);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes the password: created 0600, written to disk, then moved into place in one step. */
    void write(String password) {
        Path temporary = file.resolveSibling(NAME + ".new");
        try {
            Files.deleteIfExists(temporary);
            if (supportsPosix()) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temporary);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private boolean supportsPosix() {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
