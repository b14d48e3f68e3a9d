package io.llmgateway.testsupport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints every thread's stack when a test fails on a timeout, so that a hang seen once (on CI, say) leaves the
 * evidence of where the gateway waited: on standard error and in {@code target/thread-dumps/}, which
 * {@code .ci/run} prints when the build fails. Registered for every test class through the
 * {@code junit.jupiter.extensions.autodetection.enabled} switch of the modules that want it.
 */
public final class ThreadDumpOnFailure implements TestWatcher {

    private static final int MAX_FRAMES = 40;

    @Override
    public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
        if (!isTimeout(cause)) {
            return;
        }
        StringBuilder dump = new StringBuilder(64 * 1024)
                .append("==== threads when ")
                .append(context.getDisplayName())
                .append(" timed out ====\n");
        ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
        Arrays.sort(threads, Comparator.comparing(ThreadInfo::getThreadName));
        for (ThreadInfo thread : threads) {
            dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
            if (thread.getLockName() != null) {
                dump.append(" on ").append(thread.getLockName());
            }
            if (thread.getLockOwnerName() != null) {
                dump.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
            }
            dump.append('\n');
            StackTraceElement[] stack = thread.getStackTrace();
            for (int i = 0; i < Math.min(stack.length, MAX_FRAMES); i++) {
                dump.append("    at ").append(stack[i]).append('\n');
            }
        }
        dump.append("==== end of threads ====\n");
        String database = PostgresSupport.activity();
        if (!database.isEmpty()) {
            dump.append("==== the test PostgreSQL ====\n").append(database).append("==== end ====\n");
        }
        System.err.print(dump);
        try {
            Path directory = Path.of("target", "thread-dumps");
            Files.createDirectories(directory);
            Files.writeString(
                    directory.resolve(context.getRequiredTestClass().getSimpleName() + "-"
                            + context.getRequiredTestMethod().getName() + ".txt"),
                    dump);
        } catch (IOException | RuntimeException e) {
            System.err.println("The thread dump was not written to target/thread-dumps: " + e);
        }
    }

    private static boolean isTimeout(@Nullable Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof TimeoutException || message.contains("Timeout") || message.contains("timed out")) {
                return true;
            }
        }
        return false;
    }
}
