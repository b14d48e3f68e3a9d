package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.testsupport.PostgresSupport;
import io.llmgateway.testsupport.RedisSupport;
import io.llmgateway.testsupport.TestJson;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rate limits, concurrency limits and budgets through the real HTTP surface: reserve, then settle, so that
 * parallel requests never together exceed a limit, with the in-process backend and with two gateways sharing Redis.
 */
class LimitsIT {

    private static final JsonMapper JSON = TestJson.mapper();
    private static final TokenCounter TOKENIZER = TokenCounter.cl100k();
    /** Long enough that the mock's answer is always cut at max_tokens: every request uses what it reserved. */
    private static final String LONG_PROMPT = "one two three four five six seven eight nine ten eleven twelve";

    private static final int MAX_TOKENS = 5;

    private static GatewayInstance gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(models());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static Map<String, String> models() {
        return Map.ofEntries(
                Map.entry("gateway.deployments.slow.type", "mock"),
                Map.entry("gateway.deployments.slow.mock.chunk-delay", "150ms"),
                Map.entry("gateway.models[0].id", "mock-echo"),
                Map.entry("gateway.models[0].deployment", "mock"),
                Map.entry("gateway.models[0].price.input-per-million", "1000"),
                Map.entry("gateway.models[0].price.output-per-million", "1000"),
                Map.entry("gateway.models[1].id", "slow-echo"),
                Map.entry("gateway.models[1].deployment", "slow"));
    }

    private static String project(GatewayInstance on, String id) {
        on.admin().project(id, null);
        return on.admin().serviceKey(id).path("key").stringValue();
    }

    private static String body(String model, String text, Integer maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + (maxTokens == null ? "" : ",\"max_tokens\":" + maxTokens)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static EntityExchangeResult<byte[]> post(GatewayInstance on, String key, String body) {
        return on.client(key)
                .post()
                .uri("/v1/chat/completions")
                .header("X-User-Id", "limits-user")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
    }

    /** Tokens each budget test request reserves and, because the mock is cut at max_tokens, also uses. */
    private static int tokensPerRequest() {
        return TOKENIZER.countPrompt(List.of(ChatMessage.of("user", LONG_PROMPT))) + MAX_TOKENS;
    }

    /** Sends the requests all at once, spread over the gateways; counts the statuses. */
    private static Map<Integer, Integer> parallel(int requests, List<GatewayInstance> gateways, String key) {
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        List<WebClient> clients = gateways.stream()
                .map(g -> WebClient.builder()
                        .baseUrl(g.baseUrl())
                        .defaultHeader("Authorization", "Bearer " + key)
                        .defaultHeader("X-User-Id", "parallel")
                        .build())
                .toList();
        Flux.range(0, requests)
                .flatMap(
                        i -> clients.get(i % clients.size())
                                .post()
                                .uri("/v1/chat/completions")
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(body("mock-echo", LONG_PROMPT, MAX_TOKENS, false))
                                .exchangeToMono(response -> response.releaseBody()
                                        .thenReturn(response.statusCode().value())),
                        requests)
                .doOnNext(status ->
                        counts.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet())
                .blockLast(Duration.ofSeconds(60));
        Map<Integer, Integer> result = new TreeMap<>();
        counts.forEach((status, count) -> result.put(status, count.get()));
        return result;
    }

    @Test
    void twoHundredParallelRequestsAgainstABudgetForFiftyAdmitExactlyFifty() {
        String key = project(gateway, "budget-50");
        gateway.admin()
                .put(
                        "/admin/v1/projects/budget-50/limits",
                        Map.of("token_budget", Map.of("limit", 50L * tokensPerRequest(), "period", "month")),
                        200);

        Map<Integer, Integer> statuses = parallel(200, List.of(gateway), key);

        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 50, 429, 150));
        Ledger ledger = new Ledger(gateway.database());
        ledger.awaitCount(
                "SELECT count(*) FROM usage_records WHERE project_id = 'budget-50'", 200, Duration.ofSeconds(10));
        List<Map<String, Object>> byStatus = ledger.query("SELECT status, count(*) AS n, sum(total_tokens) AS t"
                + " FROM usage_records WHERE project_id = 'budget-50' GROUP BY status ORDER BY status");
        assertThat(byStatus).hasSize(2);
        assertThat(byStatus.get(0))
                .containsEntry("status", "ok")
                .containsEntry("n", 50L)
                .containsEntry("t", 50L * tokensPerRequest());
        assertThat(byStatus.get(1))
                .containsEntry("status", "rejected")
                .containsEntry("n", 150L)
                .containsEntry("t", 0L);
        EntityExchangeResult<byte[]> refused = post(gateway, key, body("mock-echo", LONG_PROMPT, MAX_TOKENS, false));
        JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("insufficient_quota");
        assertThat(error.path("code").stringValue()).isEqualTo("insufficient_quota");
        assertThat(refused.getResponseHeaders().getFirst("Retry-After")).isNotNull();
    }

    @Test
    void twoGatewaysSharingRedisTogetherAdmitExactlyFifty() {
        PostgresSupport.Database database = PostgresSupport.newDatabase();
        Map<String, String> redis = new HashMap<>(models());
        redis.put("gateway.limits.backend", "redis");
        redis.put("gateway.limits.redis.url", RedisSupport.uri());
        redis.put("gateway.limits.redis.key-prefix", RedisSupport.newKeyPrefix());
        redis.put("gateway.limits.redis.command-timeout", "2s");
        try (GatewayInstance first = GatewayInstance.start(redis, database)) {
            redis.put("gateway.auth.admin-token", first.adminToken());
            try (GatewayInstance second = GatewayInstance.start(redis, database)) {
                String key = project(first, "shared-50");
                int warm = TOKENIZER.countPrompt(List.of(ChatMessage.of("user", "warm"))) + 1;
                first.admin()
                        .put(
                                "/admin/v1/projects/shared-50/limits",
                                Map.of(
                                        "token_budget",
                                        Map.of("limit", 50L * tokensPerRequest() + 2L * warm, "period", "day")),
                                200);
                // both replicas learn the key and its limits before the burst (one request each)
                assertThat(post(first, key, body("mock-echo", "warm", 1, false))
                                .getStatus()
                                .value())
                        .isEqualTo(200);
                assertThat(post(second, key, body("mock-echo", "warm", 1, false))
                                .getStatus()
                                .value())
                        .isEqualTo(200);

                Map<Integer, Integer> statuses = parallel(200, List.of(first, second), key);

                assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 50, 429, 150));
            }
        }
    }

    /** Waits for the next calendar minute when fewer than 20 s of this one are left. */
    private static void awaitEarlyInAMinute() {
        int second = LocalTime.now(ZoneOffset.UTC).getSecond();
        if (second >= 40) {
            try {
                Thread.sleep((60 - second) * 1000L + 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void requestsPerMinuteAreCountedInTheHeadersAndRefusedWithRetryAfterAsTheSdkExpects() {
        String key = project(gateway, "rpm-3");
        String keyId = key.split("_")[1];
        gateway.admin()
                .put(
                        "/admin/v1/projects/rpm-3/keys/" + keyId + "/limits",
                        Map.of("requests_per_minute", 3, "tokens_per_minute", 100_000),
                        200);
        // the window is the calendar minute: start early in one, so that the fourth request falls in the same
        awaitEarlyInAMinute();

        for (int remaining = 2; remaining >= 0; remaining--) {
            EntityExchangeResult<byte[]> ok = post(gateway, key, body("mock-echo", "hi", 5, false));
            if (ok.getStatus().value() == 429) {
                // the calendar minute turned during the loop: start again in the new one
                remaining = 3;
                continue;
            }
            assertThat(ok.getStatus().value()).isEqualTo(200);
            assertThat(ok.getResponseHeaders().getFirst("x-ratelimit-limit-requests"))
                    .isEqualTo("3");
            assertThat(ok.getResponseHeaders().getFirst("x-ratelimit-remaining-requests"))
                    .isEqualTo(Integer.toString(remaining));
            // OpenAI's duration format; a request in the minute's first instant sees a whole minute: 1m0s
            assertThat(ok.getResponseHeaders().getFirst("x-ratelimit-reset-requests"))
                    .matches("\\d+(ms|s)|\\d+m\\d+s");
            assertThat(ok.getResponseHeaders().getFirst("x-ratelimit-limit-tokens"))
                    .isEqualTo("100000");
        }

        OpenAIClient sdk = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(key)
                .putHeader("X-User-Id", "sdk-user")
                .maxRetries(0)
                .build();
        try {
            assertThatThrownBy(() -> sdk.chat()
                            .completions()
                            .create(ChatCompletionCreateParams.builder()
                                    .model("mock-echo")
                                    .addUserMessage("one too many")
                                    .build()))
                    .isInstanceOfSatisfying(RateLimitException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.code()).contains("rate_limit_exceeded");
                        assertThat(e.headers().values("retry-after")).hasSize(1);
                        assertThat(e.headers().values("x-ratelimit-limit-requests"))
                                .containsExactly("3");
                        assertThat(e.headers().values("x-ratelimit-remaining-requests"))
                                .containsExactly("0");
                        assertThat(e.headers().values("x-ratelimit-reset-requests"))
                                .hasSize(1);
                    });
        } finally {
            sdk.close();
        }
    }

    @Test
    void aConcurrencyLimitRefusesWhileASlotIsTakenAndTheSlotIsGivenBackAtTheEnd() {
        String key = project(gateway, "one-at-a-time");
        gateway.admin().put("/admin/v1/projects/one-at-a-time/limits", Map.of("concurrent_requests", 1), 200);
        WebClient client = WebClient.builder()
                .baseUrl(gateway.baseUrl())
                .defaultHeader("Authorization", "Bearer " + key)
                .defaultHeader("X-User-Id", "u")
                .build();
        Mono<String> slow = client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("slow-echo", "a b c d e f", null, true))
                .retrieve()
                .bodyToMono(String.class);
        CompletableFuture<String> running = slow.toFuture();
        awaitStreamsOpen(1);

        EntityExchangeResult<byte[]> refused = post(gateway, key, body("mock-echo", "meanwhile", 5, false));

        assertThat(refused.getStatus().value()).isEqualTo(429);
        JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("code").stringValue()).isEqualTo("concurrency_limit_exceeded");
        assertThat(running.join()).contains("[DONE]");
        awaitStatus(key, body("mock-echo", "after", 5, false), 200);
    }

    @Test
    void tokensPerMinuteSettleToWhatWasUsedSoAnUnusedAllowanceIsGivenBack() {
        String key = project(gateway, "tpm-settle");
        int prompt = TOKENIZER.countPrompt(List.of(ChatMessage.of("user", "short")));
        // room for one reservation of prompt + 600, not two; the mock answers with one token
        gateway.admin().put("/admin/v1/projects/tpm-settle/limits", Map.of("tokens_per_minute", 2 * prompt + 700), 200);

        for (int i = 0; i < 3; i++) {
            EntityExchangeResult<byte[]> result = post(gateway, key, body("mock-echo", "short", 600, false));
            assertThat(result.getStatus().value()).as("request %d", i).isEqualTo(200);
            JsonNode usage = JSON.readTree(result.getResponseBody()).path("usage");
            assertThat(usage.path("completion_tokens").intValue()).isEqualTo(1);
        }
        // a reservation that cannot fit at all is refused, and not as "retry later"
        EntityExchangeResult<byte[]> tooBig = post(gateway, key, body("mock-echo", "short", 2 * prompt + 700, false));
        assertThat(tooBig.getStatus().value()).isEqualTo(400);
        assertThat(JSON.readTree(tooBig.getResponseBody())
                        .path("error")
                        .path("message")
                        .stringValue())
                .contains("tokens per minute");
    }

    @Test
    void aRequestThatCanNeverFitIsA400NamingMaxTokensAndBothNumbersWithoutRetryAfter() {
        int prompt = TOKENIZER.countPrompt(List.of(ChatMessage.of("user", "short")));
        String perMinute = project(gateway, "never-fits-tpm");
        gateway.admin().put("/admin/v1/projects/never-fits-tpm/limits", Map.of("tokens_per_minute", 100), 200);
        String budget = project(gateway, "never-fits-budget");
        gateway.admin()
                .put(
                        "/admin/v1/projects/never-fits-budget/limits",
                        Map.of("token_budget", Map.of("limit", 150, "period", "month")),
                        200);

        for (String[] limit : new String[][] {{perMinute, "100", "tokens per minute"}, {budget, "150", "month"}}) {
            EntityExchangeResult<byte[]> refused = post(gateway, limit[0], body("mock-echo", "short", 200, false));

            assertThat(refused.getStatus().value()).as(limit[2]).isEqualTo(400);
            assertThat(refused.getResponseHeaders().getFirst("Retry-After"))
                    .as(limit[2])
                    .isNull();
            JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
            assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").stringValue()).isEqualTo("request_exceeds_limit");
            assertThat(error.path("param").stringValue()).isEqualTo("max_tokens");
            assertThat(error.path("message").stringValue())
                    .as(limit[2])
                    .contains("max_tokens", limit[1], Integer.toString(prompt + 200), limit[2]);
            // a request that fits is admitted
            assertThat(post(gateway, limit[0], body("mock-echo", "short", 5, false))
                            .getStatus()
                            .value())
                    .isEqualTo(200);
        }
        assertThat(new Ledger(gateway.database())
                        .awaitCount(
                                "SELECT count(*) FROM usage_records WHERE status ="
                                        + " 'rejected' AND error_code = 'request_exceeds_limit' AND project_id LIKE 'never-fits-%'",
                                2, Duration.ofSeconds(10)))
                .isEqualTo(2);
    }

    @Test
    void aLimitOfZeroIsNotRetryLater() {
        String key = project(gateway, "zero-rpm");
        gateway.admin().put("/admin/v1/projects/zero-rpm/limits", Map.of("requests_per_minute", 0), 200);

        EntityExchangeResult<byte[]> refused = post(gateway, key, body("mock-echo", "hi", 5, false));

        assertThat(refused.getStatus().value()).isEqualTo(403);
        assertThat(refused.getResponseHeaders().getFirst("Retry-After")).isNull();
        JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("permission_error");
        assertThat(error.path("code").stringValue()).isEqualTo("limit_zero");
        assertThat(error.path("message").stringValue())
                .contains("requests per minute")
                .contains(" 0");
    }

    @Test
    void aCostBudgetRefusesWithInsufficientQuota() {
        String key = project(gateway, "cost-cap");
        // mock-echo costs $1000 per million tokens: $0.001 per token
        gateway.admin()
                .put(
                        "/admin/v1/projects/cost-cap/limits",
                        Map.of("cost_budget", Map.of("limit_usd", 0.02, "period", "day")),
                        200);

        EntityExchangeResult<byte[]> first = post(gateway, key, body("mock-echo", "hi", 5, false));
        assertThat(first.getStatus().value()).isEqualTo(200);
        JsonNode usage = JSON.readTree(first.getResponseBody()).path("usage");
        assertThat(usage.path("cost").decimalValue())
                .isEqualByComparingTo(
                        BigDecimal.valueOf(usage.path("total_tokens").longValue())
                                .movePointLeft(3));
        // fits in the budget's whole limit, not in what is left of it
        EntityExchangeResult<byte[]> refused = post(gateway, key, body("mock-echo", "hi", 10, false));

        assertThat(refused.getStatus().value()).isEqualTo(429);
        JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("insufficient_quota");
        assertThat(error.path("message").stringValue()).contains("Cost budget").contains("0.02 USD per day");
    }

    @Test
    void theLargestCostBudgetCountsAndALargerOneIsA400EvenWhenStoredBeforeTheCap() {
        String key = project(gateway, "cost-max");
        JsonNode error = gateway.admin()
                .put(
                        "/admin/v1/projects/cost-max/limits",
                        Map.of("cost_budget", Map.of("limit_usd", 9_000_001, "period", "month")),
                        400)
                .path("error");
        assertThat(error.path("param").stringValue()).isEqualTo("cost_budget.limit_usd");
        assertThat(error.path("message").stringValue()).contains("between 0 and 9000000");

        gateway.admin()
                .put(
                        "/admin/v1/projects/cost-max/limits",
                        Map.of("cost_budget", Map.of("limit_usd", 9_000_000, "period", "month")),
                        200);
        assertThat(post(gateway, key, body("mock-echo", "hi", 5, false))
                        .getStatus()
                        .value())
                .isEqualTo(200);

        // a budget beyond what pico-dollars count, written before the admin API capped it, binds as the largest
        gateway.database().execute("UPDATE limits SET cost_budget_usd = 999999999999 WHERE scope_id = 'cost-max'");
        assertThat(gateway.admin()
                        .get("/admin/v1/projects/cost-max/limits")
                        .path("cost_budget")
                        .path("limit_usd")
                        .decimalValue())
                .isEqualByComparingTo("999999999999");
        // as the change notification would, without waiting for it
        gateway.bean(LimitsRepository.class).invalidateAll();
        assertThat(post(gateway, key, body("mock-echo", "hi", 5, false))
                        .getStatus()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void aBudgetStartsFromTheLedgerAfterARestart() {
        PostgresSupport.Database database = PostgresSupport.newDatabase();
        String key;
        String adminToken;
        int perRequest = tokensPerRequest();
        try (GatewayInstance before = GatewayInstance.start(models(), database)) {
            adminToken = before.adminToken();
            key = project(before, "restarted");
            before.admin()
                    .put(
                            "/admin/v1/projects/restarted/limits",
                            Map.of("token_budget", Map.of("limit", 3L * perRequest, "period", "month")),
                            200);
            for (int i = 0; i < 2; i++) {
                assertThat(post(before, key, body("mock-echo", LONG_PROMPT, MAX_TOKENS, false))
                                .getStatus()
                                .value())
                        .isEqualTo(200);
            }
        }
        Map<String, String> again = new HashMap<>(models());
        again.put("gateway.auth.admin-token", adminToken);
        try (GatewayInstance after = GatewayInstance.start(again, database)) {
            assertThat(post(after, key, body("mock-echo", LONG_PROMPT, MAX_TOKENS, false))
                            .getStatus()
                            .value())
                    .isEqualTo(200);
            assertThat(post(after, key, body("mock-echo", LONG_PROMPT, MAX_TOKENS, false))
                            .getStatus()
                            .value())
                    .as("two spent before the restart, one after: the budget of three is used up")
                    .isEqualTo(429);
        }
    }

    @Test
    void limitsAreValidatedAuditedAndReadBack() {
        project(gateway, "validated");
        String keyId = gateway.admin().serviceKey("validated").path("id").stringValue();
        WebTestClient admin = gateway.admin().client();

        admin.put()
                .uri("/admin/v1/projects/validated/limits")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"request_per_minute\":5}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("request_per_minute");
        admin.put()
                .uri("/admin/v1/projects/validated/limits")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"tokens_per_minute\":-1}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("tokens_per_minute");
        admin.put()
                .uri("/admin/v1/projects/validated/limits")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"token_budget\":{\"limit\":10,\"period\":\"week\"}}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("token_budget.period");
        admin.put()
                .uri("/admin/v1/projects/nope/limits")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"requests_per_minute\":5}")
                .exchange()
                .expectStatus()
                .isNotFound();
        admin.put()
                .uri("/admin/v1/projects/budget-50/keys/" + keyId + "/limits")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"requests_per_minute\":5}")
                .exchange()
                .expectStatus()
                .isNotFound();

        JsonNode put = gateway.admin()
                .put(
                        "/admin/v1/projects/validated/limits",
                        Map.of("requests_per_minute", 10, "cost_budget", Map.of("limit_usd", 12.5, "period", "month")),
                        200);
        assertThat(put.path("requests_per_minute").longValue()).isEqualTo(10);
        JsonNode read = gateway.admin().get("/admin/v1/projects/validated/limits");
        assertThat(read.path("cost_budget").path("limit_usd").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(read.path("cost_budget").path("period").stringValue()).isEqualTo("month");
        assertThat(read.path("token_budget").isNull()).isTrue();
        assertThat(gateway.admin().get("/admin/v1/audit?limit=100").toString()).contains("project.limits.put");
        assertThat(gateway.admin()
                        .put("/admin/v1/projects/validated/limits", Map.of(), 200)
                        .path("requests_per_minute")
                        .isNull())
                .isTrue();
    }

    @Test
    void anUnreachableRedisFailsClosedByDefaultAndOpenWhenConfigured() {
        Map<String, String> unreachable = new HashMap<>(models());
        unreachable.put("gateway.limits.backend", "redis");
        unreachable.put("gateway.limits.redis.url", "redis://127.0.0.1:1");
        try (GatewayInstance closed = GatewayInstance.start(unreachable)) {
            String key = project(closed, "redis-down");
            closed.admin().put("/admin/v1/projects/redis-down/limits", Map.of("requests_per_minute", 100), 200);
            EntityExchangeResult<byte[]> refused = post(closed, key, body("mock-echo", "hi", 5, false));
            assertThat(refused.getStatus().value()).isEqualTo(503);
            assertThat(JSON.readTree(refused.getResponseBody())
                            .path("error")
                            .path("code")
                            .stringValue())
                    .isEqualTo("limits_unavailable");
            assertThat(metrics(closed))
                    .contains("gateway_limits_backend_up{backend=\"redis\",on_failure=\"closed\"} 0.0");
            assertThat(new Ledger(closed.database())
                            .awaitCount(
                                    "SELECT count(*) FROM usage_records"
                                            + " WHERE status = 'rejected' AND error_code = 'limits_unavailable'",
                                    1,
                                    Duration.ofSeconds(10)))
                    .as("a request refused at admission leaves its record")
                    .isEqualTo(1);
        }
        unreachable.put("gateway.limits.on-backend-failure", "fail-open");
        try (GatewayInstance open = GatewayInstance.start(unreachable)) {
            String key = project(open, "redis-down");
            open.admin().put("/admin/v1/projects/redis-down/limits", Map.of("requests_per_minute", 100), 200);
            assertThat(post(open, key, body("mock-echo", "hi", 5, false))
                            .getStatus()
                            .value())
                    .isEqualTo(200);
            assertThat(metrics(open)).contains("gateway_limits_backend_up{backend=\"redis\",on_failure=\"open\"} 0.0");
        }
    }

    private static String metrics(GatewayInstance on) {
        return new String(on.client(on.adminToken())
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
    }

    private void awaitStreamsOpen(int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (metricValue("gateway_streams_active ") < count) {
            assertThat(System.nanoTime()).as("a stream opens").isLessThan(deadline);
        }
    }

    private double metricValue(String prefix) {
        for (String line : metrics(gateway).split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(prefix.length()).trim());
            }
        }
        return -1;
    }

    private void awaitStatus(String key, String body, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int last;
        do {
            last = post(gateway, key, body).getStatus().value();
        } while (last != status && System.nanoTime() < deadline);
        assertThat(last).isEqualTo(status);
    }
}
