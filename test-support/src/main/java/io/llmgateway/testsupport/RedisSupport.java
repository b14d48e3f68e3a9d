package io.llmgateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.embedded.RedisServer;

/**
 * A real Redis for tests: a Testcontainers {@code redis:7-alpine} container where a Docker engine runs, the
 * redis-server binary shipped in embedded-redis everywhere else. One server per test JVM, started on first use and
 * stopped when the JVM exits; callers keep apart by key prefix ({@link #newKeyPrefix()}). A test that restarts,
 * pauses or slows Redis takes a server of its own instead ({@link #dedicated()}).
 */
public final class RedisSupport {

    private static final Logger log = LoggerFactory.getLogger(RedisSupport.class);
    private static final int REDIS_PORT = 6379;
    private static final int EMBEDDED_START_ATTEMPTS = 3;

    private static @Nullable Server server;

    private RedisSupport() {}

    /** The shared server as {@code redis://host:port}, started on the first call. */
    public static synchronized String uri() {
        if (server == null) {
            server = startServer();
        }
        return "redis://" + server.host() + ":" + server.port();
    }

    /** A random key prefix such as {@code t1a2b3c:}, so that each test sees only its own keys. */
    public static String newKeyPrefix() {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return "t" + HexFormat.of().formatHex(random) + ":";
    }

    /**
     * A new Redis server for one test alone, which it may restart, pause and slow down ({@link DedicatedRedis});
     * always the embedded binary, since those controls need a local process. The caller closes it.
     */
    public static DedicatedRedis dedicated() {
        IOException lastFailure = null;
        for (int attempt = 0; attempt < EMBEDDED_START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                RedisServer embedded = embeddedServer(port);
                embedded.start();
                DedicatedRedis dedicated = new DedicatedRedis(embedded, port);
                // close() continues a paused server first: stopping waits for the process, which a stopped one
                // never ends
                Runtime.getRuntime().addShutdownHook(new Thread(dedicated::closeQuietly, "redis-dedicated-stop"));
                return dedicated;
            } catch (IOException e) {
                lastFailure = e;
                log.warn("dedicated Redis did not start on port {}: {}", port, e.getMessage());
            }
        }
        throw new UncheckedIOException("could not start a dedicated Redis", lastFailure);
    }

    private static RedisServer embeddedServer(int port) throws IOException {
        return RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(port)
                // a throwaway server: no snapshot or append-only file in the binary's temporary folder
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
    }

    private static Server startServer() {
        if (dockerAvailable()) {
            log.info("test Redis: Testcontainers");
            GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(REDIS_PORT);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "redis-container-stop"));
            return new Server(container.getHost(), container.getMappedPort(REDIS_PORT));
        }
        log.info("test Redis: embedded (no Docker engine)");
        IOException lastFailure = null;
        // the free port is found before the server binds it, so another process may take it in between: try again
        for (int attempt = 0; attempt < EMBEDDED_START_ATTEMPTS; attempt++) {
            int port = freePort();
            try {
                RedisServer embedded = embeddedServer(port);
                embedded.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(embedded), "redis-embedded-stop"));
                return new Server("127.0.0.1", port);
            } catch (IOException e) {
                lastFailure = e;
                log.warn("embedded Redis did not start on port {}: {}", port, e.getMessage());
            }
        }
        throw new UncheckedIOException("could not start embedded Redis", lastFailure);
    }

    private static void stopQuietly(RedisServer embedded) {
        try {
            if (embedded.isActive()) {
                embedded.stop();
            }
        } catch (IOException | RuntimeException ignored) {
            // the JVM is exiting
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for embedded Redis", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private record Server(String host, int port) {}
}
