package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code pg_hba.conf} of the embedded server: who may connect, and how they prove it. The gateway's rules are a
 * password (SCRAM-SHA-256) for every connection, local or over loopback. A file with a rule that lets a connection
 * in without one ({@code trust}, as the gateway wrote before, or {@code peer}/{@code ident}, which any process of
 * the server's user passes) is replaced by these rules.
 */
final class ClientAuthentication {

    static final String RULES = """
            # Written by the LLM gateway. Every connection needs the password in llm-gateway.password (SCRAM-SHA-256).
            # The server listens on 127.0.0.1 only and has no Unix-domain socket.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    private static final Set<String> WITHOUT_PASSWORD = Set.of("trust", "peer", "ident");

    private final Path file;

    ClientAuthentication(Path dataDir) {
        this.file = dataDir.resolve("pg_hba.conf");
    }

    /** Whether some rule lets a connection in without the password. */
    boolean letsInWithoutPassword() {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String rule = line.replaceAll("#.*", "").strip();
                if (rule.isEmpty() || rule.startsWith("include")) {
                    continue;
                }
                for (String field : rule.split("\\s+")) {
                    if (WITHOUT_PASSWORD.contains(field)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Replaces the rules with the gateway's: written to disk, then moved into place in one step. */
    void requirePassword() {
        Path temporary = file.resolveSibling("pg_hba.conf.new");
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + temporary, e);
        }
        // 0600, as initdb leaves its files
        FileAttribute<?>[] ownerOnly =
                file.getFileSystem().supportedFileAttributeViews().contains("posix")
                        ? new FileAttribute<?>[] {
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                        }
                        : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(
                temporary, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
            channel.write(ByteBuffer.wrap(RULES.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temporary, e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
    }
}
