package io.llmgateway.app.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * One gateway per data directory: an exclusive lock on {@code llm-gateway.lock} in it, held from the start to the
 * end of the embedded server. The operating system releases it when the gateway's process ends in any way, even
 * {@code kill -9}; so a postmaster found running while the lock is free is an orphan, never another gateway's.
 */
final class DataDirectoryLock implements AutoCloseable {

    static final String NAME = "llm-gateway.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or fails at once when another gateway holds it. */
    static DataDirectoryLock acquire(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IllegalStateException(inUse(dataDir));
            }
            return new DataDirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            close(channel);
            throw new IllegalStateException(inUse(dataDir), e);
        } catch (IOException e) {
            close(channel);
            throw new UncheckedIOException("cannot lock " + file, e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static String inUse(Path dataDir) {
        return "Another gateway uses the embedded PostgreSQL in " + dataDir
                + " (one gateway per data directory; give this one its own gateway.database.embedded.data-dir)";
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        close(channel);
    }

    private static void close(@Nullable FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held any more
            }
        }
    }
}
