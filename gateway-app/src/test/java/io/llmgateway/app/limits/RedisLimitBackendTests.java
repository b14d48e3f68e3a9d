package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.llmgateway.testsupport.DedicatedRedis;
import io.llmgateway.testsupport.RedisSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import redis.embedded.RedisServer;

/**
 * The backend contract on a real Redis (each test under its own key prefix), and how the backend behaves when
 * Redis is absent, goes away, comes back, stalls or restarts empty. Those last tests stop, pause and restart a Redis
 * of their own, never the shared one.
 */
class RedisLimitBackendTests extends LimitBackendContract {

    // generous for a loaded build machine; the failure tests below use the default
    private static final Duration TEST_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FAIL_FAST = Duration.ofSeconds(1);
    private static final CounterCharge ONE_REQUEST = new CounterCharge("requests", 1, 1_000, 60_000);
    private static final Duration LEASE = Duration.ofMinutes(15);

    private final List<RedisLimitBackend> backends = new ArrayList<>();
    private String keyPrefix;
    private RedisLimitBackend backend;

    @BeforeEach
    void newBackend() {
        keyPrefix = RedisSupport.newKeyPrefix();
        backend = open(RedisSupport.uri(), keyPrefix, TEST_COMMAND_TIMEOUT, LEASE);
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(RedisLimitBackend::close);
    }

    @Override
    protected LimitBackend backend() {
        return backend;
    }

    /** On the same Redis and key prefix: the same counters. */
    @Override
    protected LimitBackend backendWithLease(Duration leaseDuration) {
        return open(RedisSupport.uri(), keyPrefix, TEST_COMMAND_TIMEOUT, leaseDuration);
    }

    private RedisLimitBackend open(String uri, String prefix, Duration commandTimeout, Duration lease) {
        RedisLimitBackend opened = new RedisLimitBackend(uri, prefix, commandTimeout, lease);
        backends.add(opened);
        return opened;
    }

    private RedisLimitBackend open(String uri) {
        return open(uri, RedisLimitBackend.DEFAULT_KEY_PREFIX, RedisLimitBackend.DEFAULT_COMMAND_TIMEOUT, LEASE);
    }

    @Test
    void keysCarryThePrefix() {
        String prefix = RedisSupport.newKeyPrefix();
        RedisLimitBackend plain = open(RedisSupport.uri(), "", TEST_COMMAND_TIMEOUT, LEASE);
        RedisLimitBackend prefixed = open(RedisSupport.uri(), prefix, TEST_COMMAND_TIMEOUT, LEASE);
        prefixed.reserve(newId(), List.of(new CounterCharge("requests", 4, 10, 60_000)))
                .block(Duration.ofSeconds(5));

        Reservation seen = plain.reserve(newId(), List.of(new CounterCharge(prefix + "requests", 0, 10, 60_000)))
                .block(Duration.ofSeconds(5));
        assertThat(seen.values()).containsExactly(4);
    }

    @Test
    void failsFastWhenNothingListens() throws IOException {
        RedisLimitBackend unreachable = open("redis://127.0.0.1:" + closedPort());
        assertThat(timeToError(unreachable.reserve(newId(), List.of(ONE_REQUEST))))
                .isLessThan(FAIL_FAST);
        // and again, right after the failed attempt
        assertThat(timeToError(unreachable.settle(newId(), List.of(new CounterUsage(ONE_REQUEST, 1)))))
                .isLessThan(FAIL_FAST);
        // nothing was sent: a reservation that failed so needs no release
        StepVerifier.create(unreachable.reserve(newId(), List.of(ONE_REQUEST)))
                .expectError(BackendNotReachedException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void failsFastWhenTheServerAcceptsButNeverAnswers() throws IOException {
        // the kernel completes the TCP handshake into the backlog; nothing ever reads or answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisLimitBackend stuck = open("redis://127.0.0.1:" + silent.getLocalPort());
            assertThat(timeToError(stuck.reserve(newId(), List.of(ONE_REQUEST))))
                    .isLessThan(FAIL_FAST);
            assertThat(timeToError(stuck.settle(newId(), List.of(new CounterUsage(ONE_REQUEST, 1)))))
                    .isLessThan(FAIL_FAST);
        }
    }

    @Test
    void failsFastWhileRedisIsDownAndRecoversWhenItIsBack() throws Exception {
        RedisServer own = startOwnServer();
        int port = own.ports().get(0);
        try {
            RedisLimitBackend flaky = open("redis://127.0.0.1:" + port);
            assertThat(reserveWithRetries(flaky, Duration.ofSeconds(5)).values())
                    .containsExactly(1);

            own.stop();
            assertThat(timeToError(flaky.reserve(newId(), List.of(ONE_REQUEST))))
                    .isLessThan(FAIL_FAST);
            assertThat(timeToError(flaky.reserve(newId(), List.of(ONE_REQUEST))))
                    .isLessThan(FAIL_FAST);

            own.start();
            // Lettuce reconnects by itself; the new server has neither the counter nor the cached scripts
            // (EVALSHA answers NOSCRIPT, the backend falls back to EVAL)
            assertThat(reserveWithRetries(flaky, Duration.ofSeconds(5)).values())
                    .containsExactly(1);
            assertThat(flaky.reserve(newId(), List.of(ONE_REQUEST))
                            .block(Duration.ofSeconds(2))
                            .values())
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
        try (StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
            RedisLimitBackend slow = open(uri);
            reserveWithRetries(slow, Duration.ofSeconds(5));

            adminConnection.sync().clientPause(1_000);
            Duration took = StepVerifier.create(slow.reserve(newId(), List.of(ONE_REQUEST)))
                    .expectError(RedisCommandTimeoutException.class)
                    .verify(Duration.ofSeconds(5));
            assertThat(took).isLessThan(FAIL_FAST);

            // once the pause is over, the same connection answers again. The timed-out reservation had already
            // been sent, so Redis applied it when it resumed: a timeout does not tell whether the charge happened
            Thread.sleep(1_200);
            Reservation after = slow.reserve(newId(), List.of(ONE_REQUEST)).block(Duration.ofSeconds(2));
            assertThat(after.admitted()).isTrue();
            assertThat(after.values()).containsExactly(3);
        } finally {
            admin.shutdown();
            own.stop();
        }
    }

    @Test
    void aReservationThatTimedOutIsReleasedByItsIdWhenRedisAnswersAgain() throws Exception {
        try (DedicatedRedis own = RedisSupport.dedicated()) {
            RedisLimitBackend slow = open(own.uri());
            CounterCharge slot = new CounterCharge("slots", CounterType.SLOTS, 1, 1, 0, null);
            CounterCharge tokens = new CounterCharge("tokens", 100, 1_000, 60_000);
            // both scripts are cached: a command that times out has no NOSCRIPT fallback to wait for
            reserveWithRetries(slow, Duration.ofSeconds(5));
            settleWithRetries(slow, newId());
            String id = newId();

            own.pause();
            try {
                // the gateway gives up on the reservation and releases its id; both wait in Redis's socket
                StepVerifier.create(slow.reserve(id, List.of(slot, tokens)))
                        .expectError(RedisCommandTimeoutException.class)
                        .verify(Duration.ofSeconds(5));
                StepVerifier.create(slow.settle(id, List.of(new CounterUsage(slot, 0), new CounterUsage(tokens, 0))))
                        .expectError(RedisCommandTimeoutException.class)
                        .verify(Duration.ofSeconds(5));
            } finally {
                own.resume();
            }

            // Redis ran the reservation late, then the release: nothing is held
            Reservation after = reserveWithRetries(
                    slow, Duration.ofSeconds(5), slot, new CounterCharge("tokens", 0, 1_000, 60_000));
            assertThat(after.admitted()).isTrue();
            assertThat(after.values()).containsExactly(1, 0);
        }
    }

    @Test
    void afterARestartSlotsNeverGoBelowZeroAndBudgetsAreSeededAgain() throws Exception {
        try (DedicatedRedis own = RedisSupport.dedicated()) {
            RedisLimitBackend restarted = open(own.uri());
            CounterCharge slot = new CounterCharge("slots", CounterType.SLOTS, 1, 2, 0, null);
            CounterCharge budget = new CounterCharge("budget", CounterType.BUDGET, 10, 1_000, 60_000, null);
            String running = newId();
            // sent again after a failure, the same id is charged once
            assertThat(reserveWithRetries(restarted, Duration.ofSeconds(5), running, slot, budget.withSeed(500))
                            .values())
                    .containsExactly(1, 510);

            own.restart();
            // the request that ran across the restart ends: its slot is gone, the budget counter too
            settleWithRetries(restarted, running, new CounterUsage(slot, 0), new CounterUsage(budget, 10));

            assertThat(restarted
                            .reserve(newId(), List.of(slot, budget))
                            .block(Duration.ofSeconds(2))
                            .outcome())
                    .as("a budget counter lost with the restart is reported, to be seeded from the ledger")
                    .isEqualTo(Reservation.Outcome.UNSEEDED);
            assertThat(restarted
                            .reserve(newId(), List.of(slot))
                            .block(Duration.ofSeconds(2))
                            .admitted())
                    .isTrue();
            assertThat(restarted
                            .reserve(newId(), List.of(slot))
                            .block(Duration.ofSeconds(2))
                            .admitted())
                    .isTrue();
            assertThat(restarted
                            .reserve(newId(), List.of(slot))
                            .block(Duration.ofSeconds(2))
                            .admitted())
                    .as("the limit of 2 holds: the old slot's release did not make room for a third")
                    .isFalse();
        }
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    private static Duration timeToError(Mono<?> operation) {
        return StepVerifier.create(operation).expectError().verify(Duration.ofSeconds(5));
    }

    private static Reservation reserveWithRetries(RedisLimitBackend backend, Duration patience)
            throws InterruptedException {
        return reserveWithRetries(backend, patience, ONE_REQUEST);
    }

    private static Reservation reserveWithRetries(
            RedisLimitBackend backend, Duration patience, CounterCharge... charges) throws InterruptedException {
        return reserveWithRetries(backend, patience, newId(), charges);
    }

    private static Reservation reserveWithRetries(
            RedisLimitBackend backend, Duration patience, String id, CounterCharge... charges)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return backend.reserve(id, List.of(charges)).block(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void settleWithRetries(RedisLimitBackend backend, String id, CounterUsage... usages)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                backend.settle(id, List.of(usages)).block(Duration.ofSeconds(2));
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** A Redis of this test's own (embedded-redis), which it may stop and start again. */
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
