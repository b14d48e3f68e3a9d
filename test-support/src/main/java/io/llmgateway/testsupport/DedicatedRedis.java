package io.llmgateway.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;

/**
 * A Redis server of one test's own (the redis-server binary of embedded-redis, a local process even where Docker
 * runs), which the test may restart empty on the same port, pause, resume and keep busy; the shared server of
 * {@link RedisSupport#uri()} is never touched. Close it at the end of the test.
 *
 * <p>Control commands go over a plain socket speaking RESP, so test-support needs no Redis client.
 */
public final class DedicatedRedis implements AutoCloseable {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

    private final RedisServer server;
    private final int port;
    /** The process stopped by {@link #pause()}, 0 when none is. */
    private long pausedPid;

    DedicatedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Stops the server and starts a new one on the same port. Nothing persists (no snapshot, no append-only file):
     * the new server has no keys and no cached scripts, as after a crash of a Redis run without persistence.
     */
    public synchronized void restart() {
        resume();
        try {
            server.stop();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart the dedicated Redis on port " + port, e);
        }
    }

    /** The process id of the running server, as it reports it ({@code INFO server}). */
    public long pid() {
        for (String line : Objects.requireNonNull(command("INFO", "server"), "INFO answers a bulk string")
                .toString()
                .split("\r?\n")) {
            if (line.startsWith("process_id:")) {
                return Long.parseLong(line.substring("process_id:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO server reported no process_id");
    }

    /**
     * Stops the server process (SIGSTOP): connections stay open and commands are accepted by the kernel, but
     * nothing answers until {@link #resume()}, as when a Redis host stalls.
     */
    public synchronized void pause() {
        long pid = pid();
        signal("STOP", pid);
        pausedPid = pid;
    }

    /** Continues a paused server (SIGCONT); it then answers everything that arrived meanwhile, in order. */
    public synchronized void resume() {
        if (pausedPid != 0) {
            signal("CONT", pausedPid);
            pausedPid = 0;
        }
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keeps the server busy for {@code duration} ({@code DEBUG SLEEP}): it answers nothing meanwhile. Returns at
     * once; the sleep runs on a connection of its own.
     */
    public void sleep(Duration duration) {
        Thread sleeper = new Thread(
                () -> command("DEBUG", "SLEEP", Double.toString(duration.toMillis() / 1000.0)),
                "dedicated-redis-sleep");
        sleeper.setDaemon(true);
        sleeper.start();
    }

    /**
     * Runs one command on a fresh connection and returns its reply: a String (simple or bulk string), a Long, a
     * List of replies, or null. An error reply throws.
     */
    public @Nullable Object command(String... arguments) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONTROL_TIMEOUT.toMillis());
            socket.setSoTimeout((int) CONTROL_TIMEOUT.toMillis() + 60_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request =
                    new StringBuilder("*").append(arguments.length).append("\r\n");
            for (String argument : arguments) {
                byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
                request.append('$')
                        .append(bytes.length)
                        .append("\r\n")
                        .append(argument)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis command " + arguments[0] + " failed on port " + port, e);
        }
    }

    /** Stops the server (continuing it first if paused). */
    @Override
    public synchronized void close() {
        resume();
        try {
            if (server.isActive()) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // the JVM is exiting
        }
    }

    private static @Nullable Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("Redis answered " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type '" + (char) type + "'");
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed mid-reply");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }
}
