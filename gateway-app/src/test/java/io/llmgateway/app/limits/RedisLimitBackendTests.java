package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.llmgateway.testsupport.RedisSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import redis.embedded.RedisServer;

/**
 * The backend contract on a real Redis (each test under its own key prefix), and how the backend behaves when
 * Redis is absent, goes away, comes back or stalls. Those last tests stop and pause a Redis of their own, never the
 * shared one.
 */
class RedisLimitBackendTests extends LimitBackendContract {

    // generous for a loaded build machine; the failure tests below use the default
    private static final Duration TEST_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FAIL_FAST = Duration.ofSeconds(1);
    private static final CounterCharge ONE_REQUEST = new CounterCharge("requests", 1, 1_000, 60_000);

    private RedisLimitBackend backend;

    @BeforeEach
    void newBackend() {
        backend = new RedisLimitBackend(RedisSupport.uri(), RedisSupport.newKeyPrefix(), TEST_COMMAND_TIMEOUT);
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @Override
    protected LimitBackend backend() {
        return backend;
    }

    @Test
    void keysCarryThePrefix() {
        String prefix = RedisSupport.newKeyPrefix();
        try (RedisLimitBackend plain = new RedisLimitBackend(RedisSupport.uri(), "", TEST_COMMAND_TIMEOUT);
             RedisLimitBackend prefixed = new RedisLimitBackend(RedisSupport.uri(), prefix, TEST_COMMAND_TIMEOUT)) {
            prefixed.reserve(List.of(new CounterCharge("requests", 4, 10, 60_000))).block(Duration.ofSeconds(5));

            Reservation seen = plain.reserve(List.of(new CounterCharge(prefix + "requests", 0, 10, 60_000)))
                    .block(Duration.ofSeconds(5));
            assertThat(seen.values()).containsExactly(4);
        }
    }

    @Test
    void failsFastWhenNothingListens() throws IOException {
        try (RedisLimitBackend unreachable = new RedisLimitBackend("redis://127.0.0.1:" + closedPort(),
                RedisLimitBackend.DEFAULT_KEY_PREFIX, RedisLimitBackend.DEFAULT_COMMAND_TIMEOUT)) {
            assertThat(timeToError(unreachable.reserve(List.of(ONE_REQUEST)))).isLessThan(FAIL_FAST);
            // and again, right after the failed attempt
            assertThat(timeToError(unreachable.adjust(List.of(ONE_REQUEST)))).isLessThan(FAIL_FAST);
        }
    }

    @Test
    void failsFastWhenTheServerAcceptsButNeverAnswers() throws IOException {
        // the kernel completes the TCP handshake into the backlog; nothing ever reads or answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             RedisLimitBackend stuck = new RedisLimitBackend("redis://127.0.0.1:" + silent.getLocalPort(),
                     RedisLimitBackend.DEFAULT_KEY_PREFIX, RedisLimitBackend.DEFAULT_COMMAND_TIMEOUT)) {
            assertThat(timeToError(stuck.reserve(List.of(ONE_REQUEST)))).isLessThan(FAIL_FAST);
            assertThat(timeToError(stuck.seed("budget", 1, 60_000))).isLessThan(FAIL_FAST);
        }
    }

    @Test
    void failsFastWhileRedisIsDownAndRecoversWhenItIsBack() throws Exception {
        RedisServer own = startOwnServer();
        int port = own.ports().get(0);
        try (RedisLimitBackend flaky = new RedisLimitBackend("redis://127.0.0.1:" + port,
                RedisLimitBackend.DEFAULT_KEY_PREFIX, RedisLimitBackend.DEFAULT_COMMAND_TIMEOUT)) {
            assertThat(reserveWithRetries(flaky, Duration.ofSeconds(5)).values()).containsExactly(1);

            own.stop();
            assertThat(timeToError(flaky.reserve(List.of(ONE_REQUEST)))).isLessThan(FAIL_FAST);
            assertThat(timeToError(flaky.reserve(List.of(ONE_REQUEST)))).isLessThan(FAIL_FAST);

            own.start();
            // Lettuce reconnects by itself; the new server has neither the counter nor the cached scripts
            // (EVALSHA answers NOSCRIPT, the backend falls back to EVAL)
            assertThat(reserveWithRetries(flaky, Duration.ofSeconds(5)).values()).containsExactly(1);
            assertThat(flaky.reserve(List.of(ONE_REQUEST)).block(Duration.ofSeconds(2)).values())
                    .containsExactly(2);
        } finally {
            own.stop();
        }
    }

    @Test
    void aStalledServerTimesOutAndTheConnectionStaysUsable() throws Exception {
        RedisServer own = startOwnServer();
        String uri = "redis://127.0.0.1:" + own.ports().get(0);
        RedisClient admin = RedisClient.create(uri);
        try (RedisLimitBackend slow = new RedisLimitBackend(uri, RedisLimitBackend.DEFAULT_KEY_PREFIX,
                RedisLimitBackend.DEFAULT_COMMAND_TIMEOUT);
             StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
            reserveWithRetries(slow, Duration.ofSeconds(5));

            adminConnection.sync().clientPause(1_000);
            Duration took = StepVerifier.create(slow.reserve(List.of(ONE_REQUEST)))
                    .expectError(RedisCommandTimeoutException.class)
                    .verify(Duration.ofSeconds(5));
            assertThat(took).isLessThan(FAIL_FAST);

            // once the pause is over, the same connection answers again. The timed-out reservation had already
            // been sent, so Redis applied it when it resumed: a timeout does not tell whether the charge happened
            Thread.sleep(1_200);
            Reservation after = slow.reserve(List.of(ONE_REQUEST)).block(Duration.ofSeconds(2));
            assertThat(after.admitted()).isTrue();
            assertThat(after.values()).containsExactly(3);
        } finally {
            admin.shutdown();
            own.stop();
        }
    }

    private static Duration timeToError(Mono<?> operation) {
        return StepVerifier.create(operation).expectError().verify(Duration.ofSeconds(5));
    }

    private static Reservation reserveWithRetries(RedisLimitBackend backend, Duration patience)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return backend.reserve(List.of(ONE_REQUEST)).block(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** A Redis of this test's own (embedded-redis), which it may stop, start again and pause. */
    private static RedisServer startOwnServer() throws IOException {
        RedisServer server = RedisServer.newRedisServer()
                .bind("127.0.0.1")
                .port(closedPort())
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        return server;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
