package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.testsupport.DedicatedRedis;
import io.llmgateway.testsupport.PostgresSupport;
import io.llmgateway.testsupport.RedisSupport;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits that heal themselves, proven on a real redis-server shared by two gateway replicas on one database. While
 * paced requests keep a project with a token budget and a concurrency limit busy, its Redis is restarted empty,
 * slowed down, then paused for 15 s and resumed. Afterwards, from the usage ledger:
 *
 * <ul>
 *   <li>the project spent no more than its budget plus the documented bound of what a restart may lose: what the
 *       requests in flight at the restart used, plus what ended within one ledger flush before the budget was
 *       re-seeded; with a concurrency limit C and R tokens a request, at most {@code 2 * C * R};</li>
 *   <li>the budget counter was seeded again from the ledger after the restart (it agrees with the ledger);</li>
 *   <li>no reservation leaked: the budget was used up (not refused with a quarter unspent), and once everything has
 *       ended a burst of {@code 2 * C} parallel requests has exactly {@code C} admitted, no fewer (a slot held by a
 *       reservation that timed out) and no more (a slot count driven below zero).</li>
 * </ul>
 */
class SelfHealingLimitsIT {

    private static final Logger log = LoggerFactory.getLogger(SelfHealingLimitsIT.class);
    private static final TokenCounter TOKENIZER = TokenCounter.cl100k();
    private static final String PROJECT = "healing";
    /** Longer than the completion allowance: the mock's answer is cut at max_tokens, so used = reserved. */
    private static final String PROMPT = "one two three four five six seven eight nine ten eleven twelve thirteen";

    private static final int MAX_TOKENS = 10;
    /** The burst's requests run about 4 s each, so that all of them overlap even on a loaded machine. */
    private static final String BURST_PROMPT = (PROMPT + " ").repeat(4).trim();

    private static final int BURST_MAX_TOKENS = 40;
    private static final int CONCURRENCY = 4;
    private static final int WORKERS = 8;
    private static final long TOKENS_PER_REQUEST =
            TOKENIZER.countPrompt(List.of(ChatMessage.of("user", PROMPT))) + MAX_TOKENS;
    private static final long BUDGET = 80 * TOKENS_PER_REQUEST;
    /** What a restart may cost at most (see the class comment): docs/limits-and-usage.md's "Limits and budgets" states it. */
    private static final long RESTART_BOUND = 2L * CONCURRENCY * TOKENS_PER_REQUEST;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();

    @Test
    void aRestartedStalledAndPausedRedisLosesNoBudgetAndLeaksNoSlot() throws Exception {
        PostgresSupport.Database database = PostgresSupport.newDatabase();
        Ledger ledger = new Ledger(database);
        String keyPrefix = RedisSupport.newKeyPrefix();
        try (DedicatedRedis redis = RedisSupport.dedicated()) {
            Map<String, String> properties = properties(redis, keyPrefix);
            try (GatewayInstance first = GatewayInstance.start(properties, database)) {
                properties.put("gateway.auth.admin-token", first.adminToken());
                try (GatewayInstance second = GatewayInstance.start(properties, database)) {
                    List<GatewayInstance> gateways = List.of(first, second);
                    first.admin().project(PROJECT, null);
                    String key = first.admin().serviceKey(PROJECT).path("key").stringValue();
                    first.admin()
                            .put(
                                    "/admin/v1/projects/" + PROJECT + "/limits",
                                    Map.of(
                                            "token_budget",
                                            Map.of("limit", BUDGET, "period", "month"),
                                            "concurrent_requests",
                                            CONCURRENCY),
                                    200);
                    // both replicas learn the key and its limits, and connect to Redis, before the load
                    for (GatewayInstance gateway : gateways) {
                        assertThat(send(gateway, key, "warm", 1)).isEqualTo("200");
                    }

                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicBoolean resumed = new AtomicBoolean();
                    AtomicBoolean exhaustedAfterResume = new AtomicBoolean();
                    List<Thread> workers = new ArrayList<>();
                    for (int i = 0; i < WORKERS; i++) {
                        GatewayInstance gateway = gateways.get(i % gateways.size());
                        Thread worker =
                                new Thread(() -> load(gateway, key, stop, resumed, exhaustedAfterResume), "load-" + i);
                        worker.start();
                        workers.add(worker);
                    }
                    try {
                        await(
                                "40% of the budget spent",
                                Duration.ofSeconds(90), () -> spent(ledger) >= BUDGET * 4 / 10);
                        long beforeRestart = spent(ledger);
                        log.info("restarting Redis at {} of {} tokens spent", beforeRestart, BUDGET);
                        redis.restart();
                        await(
                                "requests admitted after the restart",
                                Duration.ofSeconds(30),
                                () -> spent(ledger) >= beforeRestart + 3 * TOKENS_PER_REQUEST);

                        log.info("slowing Redis down");
                        for (int i = 0; i < 3; i++) {
                            redis.sleep(Duration.ofMillis(1_500));
                            Thread.sleep(2_500);
                        }

                        log.info("pausing Redis at {} tokens spent", spent(ledger));
                        redis.pause();
                        Thread.sleep(15_000);
                        redis.resume();
                        resumed.set(true);
                        log.info("resumed Redis at {} tokens spent", spent(ledger));

                        await(
                                "the budget used up after Redis resumed",
                                Duration.ofSeconds(60),
                                exhaustedAfterResume::get);
                    } finally {
                        stop.set(true);
                        for (Thread worker : workers) {
                            worker.join(Duration.ofSeconds(60).toMillis());
                        }
                        log.info("outcomes: {}", new TreeMap<>(outcomes));
                    }

                    // every request sent has its record (warm-ups included)
                    ledger.awaitCount(
                            "SELECT count(*) FROM usage_records WHERE project_id = '" + PROJECT + "'",
                            sent.get() + gateways.size(),
                            Duration.ofSeconds(20));
                    long total = spent(ledger);
                    log.info(
                            "spent {} tokens of a budget of {} (bound {}, {} a request)",
                            total,
                            BUDGET,
                            RESTART_BOUND,
                            TOKENS_PER_REQUEST);
                    assertThat(total)
                            .as("tokens spent against a budget of %d", BUDGET)
                            .isLessThanOrEqualTo(BUDGET + RESTART_BOUND);
                    assertThat(total)
                            .as("the budget is used up: no reservation leaked")
                            .isGreaterThanOrEqualTo(BUDGET - RESTART_BOUND);
                    Object counter = redis.command(
                            "GET",
                            keyPrefix + "project:" + PROJECT + ":tokens:month:"
                                    + LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1));
                    assertThat(counter)
                            .as("the budget counter in Redis after the restart")
                            .isNotNull();
                    assertThat(Long.parseLong((String) counter))
                            .as("re-seeded from the ledger (%d)", total)
                            .isBetween(total - RESTART_BOUND, total + RESTART_BOUND);

                    // nothing runs any more: every slot is free, and no more than the limit can be taken
                    first.admin()
                            .put(
                                    "/admin/v1/projects/" + PROJECT + "/limits",
                                    Map.of(
                                            "token_budget",
                                            Map.of("limit", total + 1_000 * TOKENS_PER_REQUEST, "period", "month"),
                                            "concurrent_requests",
                                            CONCURRENCY),
                                    200);
                    Thread.sleep(1_500);
                    assertThat(burst(gateways, key, 2 * CONCURRENCY))
                            .as(
                                    "a burst of %d parallel requests against a concurrency limit of %d",
                                    2 * CONCURRENCY, CONCURRENCY)
                            .containsEntry("200", CONCURRENCY)
                            .containsEntry("429 concurrency_limit_exceeded", CONCURRENCY);

                    // healed by releases and retries, not by leases (15 minutes) nor by giving up
                    for (GatewayInstance gateway : gateways) {
                        MeterRegistry meters = gateway.bean(MeterRegistry.class);
                        log.info(
                                "settlements retried {}, releases retried {}, leases expired {}",
                                meters.get("gateway.limits.releases.retried")
                                        .tag("operation", "settle")
                                        .counter()
                                        .count(),
                                meters.get("gateway.limits.releases.retried")
                                        .tag("operation", "release")
                                        .counter()
                                        .count(),
                                meters.get("gateway.limits.leases.expired")
                                        .counter()
                                        .count());
                        assertThat(meters.get("gateway.limits.releases.failed").counters())
                                .allSatisfy(failed -> assertThat(failed.count()).isZero());
                    }
                }
            }
        }
    }

    /**
     * A restart alone, with requests one at a time so that nothing is in flight and the bound is zero: a budget
     * counter lost with the restart is seeded again from the ledger (before, each replica remembered it had seeded
     * it and the budget started again from zero), and streams that ran across the restart free no slot of the new
     * server when they end (before, their releases drove the recreated counter below zero and a burst was
     * admitted beyond the limit).
     */
    @Test
    void aRestartLosesNoBudgetAndStreamsRunningAcrossItFreeNoSlotOfTheNewServer() throws Exception {
        PostgresSupport.Database database = PostgresSupport.newDatabase();
        Ledger ledger = new Ledger(database);
        try (DedicatedRedis redis = RedisSupport.dedicated()) {
            Map<String, String> properties = properties(redis, RedisSupport.newKeyPrefix());
            try (GatewayInstance first = GatewayInstance.start(properties, database)) {
                properties.put("gateway.auth.admin-token", first.adminToken());
                try (GatewayInstance second = GatewayInstance.start(properties, database)) {
                    List<GatewayInstance> gateways = List.of(first, second);
                    String budget = project(
                            first,
                            "restart-budget",
                            Map.of("token_budget", Map.of("limit", 12 * TOKENS_PER_REQUEST, "period", "month")));
                    String slots = project(first, "restart-slots", Map.of("concurrent_requests", CONCURRENCY));
                    for (int i = 0; i < 6; i++) {
                        assertThat(send(gateways.get(i % 2), budget, "mock-echo", false, PROMPT, MAX_TOKENS))
                                .isEqualTo("200");
                    }
                    ledger.awaitCount(
                            "SELECT count(*) FROM usage_records WHERE project_id = 'restart-budget'",
                            6,
                            Duration.ofSeconds(10));
                    // long streams take every slot, and run across the restart
                    Map<String, Integer> streamed = new ConcurrentHashMap<>();
                    List<Thread> streams = new ArrayList<>();
                    for (int i = 0; i < CONCURRENCY; i++) {
                        GatewayInstance gateway = gateways.get(i % 2);
                        Thread stream = new Thread(
                                () -> streamed.merge(
                                        send(gateway, slots, BURST_PROMPT, BURST_MAX_TOKENS), 1, Integer::sum),
                                "stream-" + i);
                        stream.start();
                        streams.add(stream);
                    }
                    Thread.sleep(1_000);
                    await(
                            "the streams to take every slot",
                            Duration.ofSeconds(10),
                            () -> send(first, slots, "mock-echo", false, "hi", 1)
                                    .equals("429 concurrency_limit_exceeded"));

                    redis.restart();

                    // the new server knows no slot: requests are admitted while the old streams still run
                    for (GatewayInstance gateway : gateways) {
                        awaitAnswer(gateway, slots);
                    }
                    int admitted = 0;
                    String refused;
                    while ((refused = send(gateways.get(admitted % 2), budget, "mock-echo", false, PROMPT, MAX_TOKENS))
                                    .equals("200")
                            && admitted < 20) {
                        admitted++;
                    }
                    SoftAssertions softly = new SoftAssertions();
                    softly.assertThat(admitted)
                            .as("seeded again from the ledger: 6 of 12 requests' worth are left")
                            .isEqualTo(6);
                    softly.assertThat(refused).isEqualTo("429 insufficient_quota");

                    for (Thread stream : streams) {
                        stream.join(Duration.ofSeconds(60).toMillis());
                    }
                    softly.assertThat(streamed).containsExactly(Map.entry("200", CONCURRENCY));
                    softly.assertThat(burst(gateways, slots, 2 * CONCURRENCY))
                            .as("the streams' releases freed no slot of the new server")
                            .containsEntry("200", CONCURRENCY)
                            .containsEntry("429 concurrency_limit_exceeded", CONCURRENCY);
                    softly.assertAll();
                }
            }
        }
    }

    /** Sends short requests until one is admitted (Redis answers again after a restart). */
    private void awaitAnswer(GatewayInstance gateway, String key) throws InterruptedException {
        await(
                "an answer from the restarted Redis",
                Duration.ofSeconds(10),
                () -> send(gateway, key, "mock-echo", false, "hi", 1).equals("200"));
    }

    private static Map<String, String> properties(DedicatedRedis redis, String keyPrefix) {
        Map<String, String> properties = new HashMap<>();
        properties.put("gateway.deployments.slow.type", "mock");
        properties.put("gateway.deployments.slow.mock.chunk-delay", "100ms");
        properties.put("gateway.models[0].id", "slow-echo");
        properties.put("gateway.models[0].deployment", "slow");
        properties.put("gateway.models[1].id", "mock-echo");
        properties.put("gateway.models[1].deployment", "mock");
        properties.put("gateway.limits.backend", "redis");
        properties.put("gateway.limits.redis.url", redis.uri());
        properties.put("gateway.limits.redis.key-prefix", keyPrefix);
        // above a loaded build machine's hiccups, well below the stalls and the pause
        properties.put("gateway.limits.redis.command-timeout", "750ms");
        return properties;
    }

    /** One worker: paced streaming requests until told to stop. */
    private void load(
            GatewayInstance gateway,
            String key,
            AtomicBoolean stop,
            AtomicBoolean resumed,
            AtomicBoolean exhaustedAfterResume) {
        while (!stop.get()) {
            String outcome = send(gateway, key, PROMPT, MAX_TOKENS);
            sent.incrementAndGet();
            outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
            if (outcome.contains("insufficient_quota") && resumed.get()) {
                exhaustedAfterResume.set(true);
            }
            if (!outcome.equals("200")) {
                sleep(outcome.startsWith("503") ? 100 : 30);
            }
        }
    }

    /** Sends one paced streamed request and reads it to the end: "200", or the status and error code. */
    private String send(GatewayInstance gateway, String key, String text, int maxTokens) {
        return send(gateway, key, "slow-echo", true, text, maxTokens);
    }

    /** Sends one request and reads it to the end: "200", or the status and error code. */
    private String send(GatewayInstance gateway, String key, String model, boolean stream, String text, int maxTokens) {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("X-User-Id", "healing-user")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return "200";
            }
            String code = response.body().replaceAll("(?s).*\"code\"\\s*:\\s*\"([^\"]*)\".*", "$1");
            return response.statusCode() + " " + (code.equals(response.body()) ? "?" : code);
        } catch (IOException e) {
            return "io " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Sends the requests at once, spread over the gateways; counts the outcomes. */
    private Map<String, Integer> burst(List<GatewayInstance> gateways, String key, int requests)
            throws InterruptedException {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            GatewayInstance gateway = gateways.get(i % gateways.size());
            Thread thread = new Thread(
                    () -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        counts.merge(send(gateway, key, BURST_PROMPT, BURST_MAX_TOKENS), 1, Integer::sum);
                    },
                    "burst-" + i);
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
        return new TreeMap<>(counts);
    }

    private static long spent(Ledger ledger) {
        return ((Number) ledger.query(
                                "SELECT coalesce(sum(total_tokens), 0) AS t FROM usage_records"
                                        + " WHERE project_id = ?",
                                PROJECT)
                        .get(0)
                        .get("t"))
                .longValue();
    }

    /** A project with these limits; its service key. */
    private static String project(GatewayInstance gateway, String id, Map<String, Object> limits) {
        gateway.admin().project(id, null);
        String key = gateway.admin().serviceKey(id).path("key").stringValue();
        gateway.admin().put("/admin/v1/projects/" + id + "/limits", limits, 200);
        return key;
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waiting for %s", what).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
