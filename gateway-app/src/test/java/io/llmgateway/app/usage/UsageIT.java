package io.llmgateway.app.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The usage ledger through the real HTTP surface: every admitted request leaves exactly one record whose tokens are
 * the upstream's count or the tokenizer's count of what was actually delivered, with its cost; usage is readable
 * per project and for admins, as JSON and CSV.
 */
class UsageIT {

    private static final JsonMapper JSON = TestJson.mapper();
    private static final TokenCounter TOKENIZER = TokenCounter.cl100k();
    private static final String UPSTREAM_MODEL = "upstream-model";
    private static final String USER = "usage-it-user";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static Ledger ledger;
    private static String key;
    private static String otherKey;
    private WebTestClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.up.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.deployments.up-no-usage.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up-no-usage.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.deployments.up-no-usage.stream-usage", "false"),
                Map.entry("gateway.models[0].id", "priced"),
                Map.entry("gateway.models[0].deployment", "up"),
                Map.entry("gateway.models[0].price.input-per-million", "2.0"),
                Map.entry("gateway.models[0].price.output-per-million", "8.0"),
                Map.entry("gateway.models[0].price.cached-input-per-million", "0.5"),
                Map.entry("gateway.models[1].id", "no-usage"),
                Map.entry("gateway.models[1].deployment", "up-no-usage"),
                Map.entry("gateway.models[1].price.input-per-million", "1.0"),
                Map.entry("gateway.models[1].price.output-per-million", "1.0"),
                Map.entry("gateway.models[2].id", "cancel-test"),
                Map.entry("gateway.models[2].deployment", "up"),
                Map.entry("gateway.models[3].id", "mock-echo"),
                Map.entry("gateway.models[3].deployment", "mock")));
        ledger = new Ledger(gateway.database());
        gateway.admin().project("usage-a", null);
        gateway.admin().project("usage-b", null);
        key = gateway.admin().serviceKey("usage-a").path("key").stringValue();
        otherKey = gateway.admin().serviceKey("usage-b").path("key").stringValue();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void setUp() {
        upstream.reset();
        client = gateway.client(key).mutate().defaultHeader("X-User-Id", USER).build();
    }

    private EntityExchangeResult<byte[]> post(WebTestClient caller, String body) {
        return caller.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
    }

    private static String requestId(EntityExchangeResult<?> result) {
        return result.getResponseHeaders().getFirst("x-request-id");
    }

    @Test
    void aJsonCompletionIsRecordedWithTheUpstreamsUsageAndItsCost() {
        upstream.enqueue(Reply.json(200, """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"upstream-model",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
                          "prompt_tokens_details":{"cached_tokens":4}}}"""));

        EntityExchangeResult<byte[]> result = post(client, """
                {"model":"priced","messages":[{"role":"user","content":"Hello"}],
                 "user":"end-user-7","chat_id":"chat-42"}""");

        assertThat(result.getStatus().value()).isEqualTo(200);
        JsonNode usage = JSON.readTree(result.getResponseBody()).path("usage");
        // (9 - 4) x $2 + 4 x $0.5 + 2 x $8 per million = $28 per million
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo("0.000028");
        assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(9);
        // milliseconds with three decimals, as the gateway's own time before the answer
        assertThat(result.getResponseHeaders().getFirst("x-gateway-overhead-ms"))
                .matches("\\d+\\.\\d{3}");

        Map<String, Object> record = ledger.record(requestId(result));
        assertThat(record)
                .containsEntry("model", "priced")
                .containsEntry("deployment", "up")
                .containsEntry("project_id", "usage-a")
                .containsEntry("user_id", USER)
                .containsEntry("prompt_tokens", 9)
                .containsEntry("completion_tokens", 2)
                .containsEntry("total_tokens", 11)
                .containsEntry("cached_prompt_tokens", 4)
                .containsEntry("token_source", "upstream")
                .containsEntry("status", "ok")
                .containsEntry("finish_reason", "stop")
                .containsEntry("streamed", false)
                .containsEntry("chat_id", "chat-42")
                .containsEntry("client_user", "end-user-7")
                .containsEntry("retrieval", false);
        assertThat((BigDecimal) record.get("cost_usd")).isEqualByComparingTo("0.000028");
        assertThat(record.get("key_id")).isEqualTo(key.split("_")[1]);
        assertThat(record.get("prompt"))
                .as("no prompt stored unless asked and allowed")
                .isNull();
    }

    @Test
    void aStreamIsRecordedWithTheUpstreamsUsageEvenWhenTheClientDidNotAskForIt() {
        upstream.enqueue(Reply.sse(
                Duration.ZERO, OpenAiFixtures.stream(UPSTREAM_MODEL, List.of("one", " two", " three"), true)));

        EntityExchangeResult<byte[]> result = post(
                client,
                "{\"model\":\"priced\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}");

        List<String> events = events(result.getResponseBody());
        assertThat(events).noneMatch(event -> event.contains("\"usage\""));
        assertThat(JSON.readTree(upstream.lastRequest().body())
                        .path("stream_options")
                        .path("include_usage")
                        .booleanValue())
                .as("the gateway always asks the upstream for usage")
                .isTrue();
        Map<String, Object> record = ledger.record(requestId(result));
        assertThat(record)
                .containsEntry("prompt_tokens", 9)
                .containsEntry("completion_tokens", 3)
                .containsEntry("token_source", "upstream")
                .containsEntry("status", "ok")
                .containsEntry("streamed", true)
                .containsEntry("finish_reason", "stop");
        assertThat((Integer) record.get("ttft_ms")).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat((BigDecimal) record.get("cost_usd")).isEqualByComparingTo("0.000042");
    }

    @Test
    void aStreamWithoutUpstreamUsageIsCountedByTheTokenizerAndTheClientGetsThatUsage() {
        upstream.enqueue(Reply.sse(
                Duration.ZERO, OpenAiFixtures.stream(UPSTREAM_MODEL, List.of("Hello", " there,", " friend"), false)));

        EntityExchangeResult<byte[]> result = post(client, """
                {"model":"no-usage","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Greet me"}]}""");

        List<String> events = events(result.getResponseBody());
        int prompt = TOKENIZER.countPrompt(
                List.of(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", "Greet me")));
        int completion = TOKENIZER.count("Hello there, friend");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2)).path("usage");
        assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(prompt);
        assertThat(usage.path("completion_tokens").intValue()).isEqualTo(completion);
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        Map<String, Object> record = ledger.record(requestId(result));
        assertThat(record)
                .containsEntry("prompt_tokens", prompt)
                .containsEntry("completion_tokens", completion)
                .containsEntry("token_source", "tokenizer")
                .containsEntry("status", "ok");
        assertThat((BigDecimal) record.get("cost_usd"))
                .isEqualByComparingTo(BigDecimal.valueOf(prompt + completion).movePointLeft(6));
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo((BigDecimal) record.get("cost_usd"));
    }

    @Test
    void aClientThatDisconnectsMidStreamIsBilledForThePromptAndWhatWasDelivered() {
        upstream.enqueue(Reply.sseThenHang(List.of(
                OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, 0, "alpha"),
                OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, 1, " beta"),
                OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, 2, " gamma"))));
        CountDownLatch sawAll = new CountDownLatch(1);
        StringBuilder received = new StringBuilder();
        Disposable stream = HttpClient.create()
                .headers(headers -> headers.add(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                        .add("X-User-Id", USER))
                .post()
                .uri(gateway.baseUrl() + "/v1/chat/completions")
                .send(ByteBufMono.fromString(Mono.just("{\"model\":\"cancel-test\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say three words\"}]}")))
                .responseContent()
                .asString()
                .subscribe(
                        text -> {
                            received.append(text);
                            if (received.toString().contains("gamma")) {
                                sawAll.countDown();
                            }
                        },
                        error -> {});
        assertThat(FakeUpstream.await(sawAll, Duration.ofSeconds(5))).isTrue();

        stream.dispose();

        ledger.awaitCount("SELECT count(*) FROM usage_records WHERE model = 'cancel-test'", 1, Duration.ofSeconds(10));
        Map<String, Object> record = ledger.query("SELECT * FROM usage_records WHERE model = 'cancel-test'")
                .get(0);
        assertThat(record)
                .containsEntry("status", "cancelled")
                .containsEntry("token_source", "tokenizer")
                .containsEntry(
                        "prompt_tokens", TOKENIZER.countPrompt(List.of(ChatMessage.of("user", "Say three words"))))
                .containsEntry("completion_tokens", TOKENIZER.count("alpha beta gamma"));
    }

    @Test
    void logPromptIsRefusedUnlessTheProjectAllowsItAndThenStoresPromptAndCompletion() {
        gateway.admin().project("usage-logging", null);
        String loggingKey =
                gateway.admin().serviceKey("usage-logging").path("key").stringValue();
        WebTestClient caller = gateway.client(loggingKey)
                .mutate()
                .defaultHeader("X-User-Id", USER)
                .build();
        String body = "{\"model\":\"mock-echo\",\"log_prompt\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"remember this\"}]}";

        EntityExchangeResult<byte[]> refused = post(caller, body);
        assertThat(refused.getStatus().value()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
        assertThat(error.path("param").stringValue()).isEqualTo("log_prompt");
        assertThat(error.path("message").stringValue()).contains("prompt logging");

        JsonNode project =
                gateway.admin().patch("/admin/v1/projects/usage-logging", Map.of("prompt_logging", true), 200);
        assertThat(project.path("prompt_logging").booleanValue()).isTrue();
        EntityExchangeResult<byte[]> allowed = awaitStatus(caller, body, 200);

        Map<String, Object> record = ledger.record(requestId(allowed));
        assertThat(record.get("prompt").toString()).contains("remember this");
        assertThat(record.get("completion")).isEqualTo("remember this");
        // and never sent upstream: the mock would have answered with it otherwise in a field; the ledger has it
        Map<String, Object> plain = ledger.record(requestId(
                post(caller, "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"not this\"}]}")));
        assertThat(plain.get("prompt")).isNull();
        assertThat(plain.get("completion")).isNull();
    }

    @Test
    void usageIsReadablePerProjectForKeysAndAcrossProjectsForAdminsAsJsonAndCsv() {
        gateway.admin().project("usage-report", null);
        String reportKey =
                gateway.admin().serviceKey("usage-report").path("key").stringValue();
        WebTestClient caller = gateway.client(reportKey)
                .mutate()
                .defaultHeader("X-User-Id", "reporter")
                .build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(requestId(post(
                    caller,
                    "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"report number " + i
                            + "\"}]}")));
        }
        String elsewhere = requestId(post(
                gateway.client(otherKey)
                        .mutate()
                        .defaultHeader("X-User-Id", "someone")
                        .build(),
                "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"elsewhere\"}]}"));
        ids.forEach(ledger::record);
        ledger.record(elsewhere); // written in the background: wait for it too, the admin report counts it
        long tokens = ids.stream()
                .mapToLong(id -> ((Number) ledger.record(id).get("total_tokens")).longValue())
                .sum();

        JsonNode own = json(caller.get()
                .uri("/v1/usage?group_by=model,user")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
        assertThat(own.path("data")).hasSize(1);
        JsonNode row = own.path("data").get(0);
        assertThat(row.path("model").stringValue()).isEqualTo("mock-echo");
        assertThat(row.path("user_id").stringValue()).isEqualTo("reporter");
        assertThat(row.path("requests").longValue()).isEqualTo(3);
        assertThat(row.path("total_tokens").longValue()).isEqualTo(tokens);
        assertThat(own.path("totals").path("requests").longValue()).isEqualTo(3);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        JsonNode all = gateway.admin().get("/admin/v1/usage?group_by=project,day&from=" + today + "&to=" + tomorrow);
        List<String> projects = new ArrayList<>();
        all.path("data").forEach(entry -> projects.add(entry.path("project_id").stringValue()));
        assertThat(projects).contains("usage-report", "usage-b");
        JsonNode reportRow = null;
        for (JsonNode entry : all.path("data")) {
            if (entry.path("project_id").stringValue().equals("usage-report")) {
                reportRow = entry;
            }
        }
        assertThat(reportRow.path("day").stringValue()).isEqualTo(today);
        assertThat(reportRow.path("total_tokens").longValue())
                .as("the daily aggregates agree with the records")
                .isEqualTo(tokens);

        String csv = new String(gateway.admin()
                .client()
                .get()
                .uri("/admin/v1/usage?project_id=usage-report&group_by=key")
                .accept(MediaType.parseMediaType("text/csv"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
        String[] lines = csv.split("\n");
        assertThat(lines[0]).isEqualTo("key_id,requests,prompt_tokens,completion_tokens,total_tokens,cost_usd");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).startsWith(reportKey.split("_")[1] + ",3,");

        caller.get()
                .uri("/v1/usage?group_by=weekday")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("group_by");
        gateway.client().get().uri("/v1/usage").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void writingTheSameRecordsTwiceCountsThemOnce() {
        UsageWriter writer = new UsageWriter(gateway.bean(DatabaseClient.class));
        UsageRecord record = new UsageRecord(
                "req_twice_" + System.nanoTime(),
                Instant.now(),
                "keytwice",
                "u",
                "usage-twice",
                "mock-echo",
                "mock",
                10,
                5,
                null,
                TokenSource.TOKENIZER,
                1_000_000L,
                UsageStatus.OK,
                null,
                "stop",
                12,
                null,
                false,
                null,
                null,
                false,
                null,
                null);

        writer.write(List.of(record)).block(Duration.ofSeconds(10));
        writer.write(List.of(record)).block(Duration.ofSeconds(10));

        assertThat(ledger.query("SELECT count(*) AS n FROM usage_records WHERE request_id = ?", record.requestId())
                        .get(0)
                        .get("n"))
                .isEqualTo(1L);
        Map<String, Object> daily = ledger.query(
                        "SELECT requests, prompt_tokens, cost_usd FROM usage_daily WHERE project_id = 'usage-twice'")
                .get(0);
        assertThat(daily.get("requests")).isEqualTo(1L);
        assertThat(daily.get("prompt_tokens")).isEqualTo(10L);
        assertThat((BigDecimal) daily.get("cost_usd")).isEqualByComparingTo("0.000001");
    }

    @Test
    void prometheusShowsTokensCostAndLatencyByProjectAndModelButNotByUserOrKey() {
        EntityExchangeResult<byte[]> result = post(
                client, "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"metrics please\"}]}");
        ledger.record(requestId(result));

        String metrics = new String(gateway.client(gateway.adminToken())
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());

        assertThat(metrics)
                .contains("gen_ai_client_token_usage_tokens_sum{")
                .contains("gen_ai_token_type=\"output\"")
                .contains("gen_ai_request_model=\"mock-echo\"")
                .contains("gateway_project=\"usage-a\"")
                .contains("gen_ai_server_request_duration_seconds_bucket{")
                .contains("gateway_usage_ledger_buffered ")
                .contains("gateway_usage_cost_usd_total{")
                .contains("gateway_streams_active ")
                .contains("gateway_limits_backend_up{");
        assertThat(metrics).doesNotContain(USER).doesNotContain("gateway_user").doesNotContain("gateway_key");
    }

    private EntityExchangeResult<byte[]> awaitStatus(WebTestClient caller, String body, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        EntityExchangeResult<byte[]> result;
        do {
            result = post(caller, body);
        } while (result.getStatus().value() != status && System.nanoTime() < deadline);
        assertThat(result.getStatus().value()).isEqualTo(status);
        return result;
    }

    private static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }

    private static List<String> events(byte[] body) {
        List<String> events = new ArrayList<>();
        for (String event : new String(body, StandardCharsets.UTF_8).split("\n\n")) {
            if (event.startsWith("data: ")) {
                events.add(event.substring("data: ".length()));
            }
        }
        return events;
    }
}
