package io.llmgateway.app.api;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /v1/chat/completions} over real HTTP, in front of a real fake upstream. */
class ChatCompletionsIT {

    private static final JsonMapper JSON = TestJson.mapper();
    private static final String UPSTREAM_MODEL = "upstream-model";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private WebTestClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.http.max-body-size", "64KB"),
                Map.entry("gateway.deployments.up.type", "openai"),
                Map.entry("gateway.deployments.up.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up.api-key", "sk-upstream-secret"),
                Map.entry("gateway.deployments.up.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.deployments.up-fast.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up-fast.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.deployments.up-fast.timeouts.first-byte", "400ms"),
                Map.entry("gateway.deployments.up-fast.timeouts.between-chunks", "400ms"),
                Map.entry("gateway.deployments.down.base-url", "http://127.0.0.1:1/v1"),
                Map.entry("gateway.models[0].id", "gpt-test"),
                Map.entry("gateway.models[0].deployment", "up"),
                Map.entry("gateway.models[1].id", "vendor/model-1.5"),
                Map.entry("gateway.models[1].deployment", "up"),
                Map.entry("gateway.models[2].id", "fast-test"),
                Map.entry("gateway.models[2].deployment", "up-fast"),
                Map.entry("gateway.models[3].id", "down-test"),
                Map.entry("gateway.models[3].deployment", "down"),
                Map.entry("gateway.models[4].id", "mock-echo"),
                Map.entry("gateway.models[4].deployment", "mock")));
        gateway.admin().project("chat-it", null);
        serviceKey = gateway.admin().serviceKey("chat-it").path("key").stringValue();
    }

    private static String serviceKey;

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void setUp() {
        upstream.reset();
        client = gateway.client(serviceKey)
                .mutate()
                .defaultHeader("X-User-Id", "chat-it-user")
                .build();
    }

    private static String body(String model, boolean stream, String extra) {
        return """
                {"model":"%s","messages":[{"role":"user","content":"Say hi"}],"stream":%s%s}""".formatted(model, stream, extra.isEmpty() ? "" : "," + extra);
    }

    private WebTestClient.ResponseSpec post(String body) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private List<String> streamEvents(String body) {
        byte[] raw = post(body)
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        return SseEvents.data(new String(raw, StandardCharsets.UTF_8));
    }

    private static JsonNode error(byte[] body) {
        return JSON.readTree(body).path("error");
    }

    @Test
    void jsonCompletionNamesTheRequestedModelAndForwardsUnknownFields() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion(UPSTREAM_MODEL, "Hi!", 9, 2)));

        byte[] response = post(body("gpt-test", false, "\"vendor_knob\":{\"a\":[1,2]},\"min_p\":0.05"))
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader()
                .exists("x-request-id")
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();

        JsonNode completion = JSON.readTree(response);
        assertThat(completion.path("object").stringValue()).isEqualTo("chat.completion");
        assertThat(completion.path("model").stringValue()).isEqualTo("gpt-test");
        assertThat(completion
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .stringValue())
                .isEqualTo("Hi!");
        assertThat(completion.path("usage").path("total_tokens").intValue()).isEqualTo(11);
        assertThat(completion.path("x_upstream_extra").path("kept").booleanValue())
                .isTrue();

        JsonNode sent = JSON.readTree(upstream.lastRequest().body());
        assertThat(sent.path("model").stringValue()).isEqualTo(UPSTREAM_MODEL);
        assertThat(sent.path("vendor_knob")).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
        assertThat(sent.path("min_p").doubleValue()).isEqualTo(0.05);
        assertThat(sent.has("stream")).isFalse();
        assertThat(upstream.lastRequest().header("authorization")).isEqualTo("Bearer sk-upstream-secret");
    }

    @Test
    void streamIsOneEventPerChunkWithTheRequestedModelThenDone() {
        upstream.enqueue(Reply.sse(
                Duration.ofMillis(5), OpenAiFixtures.stream(UPSTREAM_MODEL, List.of("Hel", "lo", " there"), true)));

        List<String> events =
                streamEvents(body("vendor/model-1.5", true, "\"stream_options\":{\"include_usage\":true}"));

        assertThat(events).hasSize(6);
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks =
                events.subList(0, 5).stream().map(JSON::readTree).toList();
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").stringValue()).isEqualTo("vendor/model-1.5");
        });
        assertThat(chunks.subList(0, 3).stream()
                        .map(c -> c.path("choices")
                                .get(0)
                                .path("delta")
                                .path("content")
                                .stringValue()))
                .containsExactly("Hel", "lo", " there");
        assertThat(chunks.get(3).path("choices").get(0).path("finish_reason").stringValue())
                .isEqualTo("stop");
        JsonNode usage = chunks.get(4);
        assertThat(usage.path("choices").isEmpty()).isTrue();
        assertThat(usage.path("usage").path("completion_tokens").intValue()).isEqualTo(3);
        assertThat(JSON.readTree(upstream.lastRequest().body())
                        .path("stream_options")
                        .path("include_usage")
                        .booleanValue())
                .isTrue();
    }

    @Test
    void eachChunkIsFlushedAsItArrivesEvenWhileTheUpstreamIsStillSilent() throws InterruptedException {
        upstream.enqueue(Reply.sseThenHang(List.of(OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, 0, "first"))));
        CountDownLatch firstEvent = new CountDownLatch(1);
        Disposable stream = rawStream(body("gpt-test", true, ""), text -> {
            if (text.contains("\"first\"")) {
                firstEvent.countDown();
            }
        });
        try {
            assertThat(FakeUpstream.await(firstEvent, Duration.ofSeconds(5)))
                    .as("the first chunk reaches the client while the upstream has not finished")
                    .isTrue();
        } finally {
            stream.dispose();
        }
    }

    @Test
    void aClientThatDisconnectsCancelsTheUpstreamRequest() {
        upstream.enqueue(Reply.sseForever(
                Duration.ofMillis(50), i -> OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, i.intValue(), "tick")));
        CountDownLatch twoEvents = new CountDownLatch(2);
        Disposable stream = rawStream(body("gpt-test", true, ""), text -> twoEvents.countDown());
        assertThat(FakeUpstream.await(twoEvents, Duration.ofSeconds(5))).isTrue();
        CountDownLatch upstreamClosed = upstream.nextDisconnect();

        stream.dispose();

        assertThat(FakeUpstream.await(upstreamClosed, Duration.ofSeconds(1)))
                .as("the upstream sees its connection closed within a second")
                .isTrue();
    }

    @Test
    void anUpstreamFailureMidStreamEndsWithAnErrorEventAndNoDone() {
        upstream.enqueue(Reply.sseThenReset(
                Duration.ofMillis(5), List.of(OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, 0, "partial"))));

        List<String> events = streamEvents(body("gpt-test", true, ""));

        assertThat(events).hasSize(2);
        assertThat(JSON.readTree(events.get(0))
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("content")
                        .stringValue())
                .isEqualTo("partial");
        JsonNode error = JSON.readTree(events.get(1)).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("upstream_error");
        assertThat(error.path("message").stringValue()).isNotBlank();
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void anUpstreamSilentMidStreamEndsWithATimeoutEventAtTheBetweenChunksLimit() {
        upstream.enqueue(Reply.sseThenHang(List.of(OpenAiFixtures.chunkEvent(UPSTREAM_MODEL, 0, "partial"))));

        List<String> events = streamEvents(body("fast-test", true, ""));

        assertThat(events).hasSize(2);
        assertThat(JSON.readTree(events.get(0))
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("content")
                        .stringValue())
                .isEqualTo("partial");
        JsonNode error = JSON.readTree(events.get(1)).path("error");
        assertThat(error.path("type").stringValue()).isEqualTo("timeout_error");
        assertThat(error.path("code").stringValue()).isEqualTo("upstream_timeout");
        assertThat(error.path("message").stringValue()).contains("between-chunks");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void upstreamClientErrorsPassThroughWithTheirStatus() {
        upstream.enqueue(Reply.json(
                422,
                "{\"error\":{\"message\":\"max_tokens too large\",\"type\":"
                        + "\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}"));
        JsonNode error = error(post(body("gpt-test", false, ""))
                .expectStatus()
                .isEqualTo(422)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
        assertThat(error.path("message").stringValue()).isEqualTo("max_tokens too large");
        assertThat(error.path("param").stringValue()).isEqualTo("max_tokens");
    }

    @Test
    void upstream429StaysWithRetryAfterEvenWhenStreaming() {
        upstream.enqueue(Reply.json(429, "{\"error\":{\"message\":\"Too many\"}}", Map.of("Retry-After", "12")));
        post(body("gpt-test", true, ""))
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueEquals("Retry-After", "12")
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("rate_limit_exceeded");
    }

    @Test
    void upstream5xxAndUnreachableUpstreamsAre502() {
        upstream.enqueue(Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        post(body("gpt-test", false, ""))
                .expectStatus()
                .isEqualTo(502)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("upstream_error");
        post(body("down-test", true, ""))
                .expectStatus()
                .isEqualTo(502)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("upstream_unreachable");
    }

    @Test
    void anUpstreamThatDoesNotAnswerInTimeIs504AfterItsRetries() {
        // a timeout before the first byte is transient: the one deployment is tried max-attempts (3) times
        upstream.enqueue(Reply.hang(), Reply.hang(), Reply.hang(), Reply.hang(), Reply.hang(), Reply.hang());
        post(body("fast-test", false, ""))
                .expectStatus()
                .isEqualTo(504)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("upstream_timeout");
        post(body("fast-test", true, ""))
                .expectStatus()
                .isEqualTo(504)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("timeout_error");
        assertThat(upstream.requests()).hasSize(6);
    }

    @Test
    void openAisStructuralRulesAreCheckedBeforeAnyUpstreamCall() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("\"response_format\":{\"type\":\"yaml\"}", "response_format.type");
        refused.put(
                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\"}}",
                "response_format.json_schema.schema");
        refused.put("\"tool_choice\":\"required\"", "tool_choice");
        refused.put(
                "\"tools\":[{\"type\":\"function\",\"function\":{\"description\":\"no name\"}}]",
                "tools[0].function.name");
        refused.put("\"logit_bias\":{\"abc\":5}", "logit_bias");
        refused.put("\"temperature\":\"NaN\"", "temperature");
        refused.put("\"temperature\":1e999", "temperature");
        refused.put("\"user\":\"a\\u0000b\"", "user");
        refused.put("\"chat_id\":\"\\ud800\"", "chat_id");
        for (Map.Entry<String, String> body : refused.entrySet()) {
            post("{\"model\":\"gpt-test\"," + messages + "," + body.getKey() + "}")
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.param")
                    .isEqualTo(body.getValue());
        }
        post("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":5}]}")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("messages[0].content");
        assertThat(upstream.requests()).as("none of them reached the upstream").isEmpty();
    }

    @Test
    void anUnknownModelIs404ModelNotFound() {
        post(body("no-such-model", false, ""))
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_found")
                .jsonPath("$.error.param")
                .isEqualTo("model")
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void malformedJsonIs400() {
        post("{\"model\": \"gpt-test\", \"messages\": [")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("invalid_json")
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
    }

    @Test
    void wrongTypesAre400NamingTheField() {
        post(body("gpt-test", false, "\"temperature\":\"warm\""))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("temperature");
        post("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"tool_calls\":5}]}")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("messages[0].tool_calls");
        post(body("gpt-test", false, "\"stop\":[1]"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("stop");
        post("{\"model\":\"gpt-test\"}")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("messages");
        post("[1,2]")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "x".repeat(70 * 1024);
        post(body("gpt-test", false, "\"user\":\"" + big + "\""))
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("request_too_large");
    }

    @Test
    void aContentTypeOtherThanJsonIs415() {
        client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue(body("gpt-test", false, ""))
                .exchange()
                .expectStatus()
                .isEqualTo(415)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("unsupported_media_type");
    }

    @Test
    void unknownPathsAndMethodsGetOpenAiErrorBodies() {
        client.get()
                .uri("/v1/nothing-here")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("unknown_url");
        client.get()
                .uri("/v1/chat/completions")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("invalid_request_error");
    }

    @Test
    void modelsAreListedInOpenAisShapeAndInConfigurationOrder() {
        client.get()
                .uri("/v1/models")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.object")
                .isEqualTo("list")
                .jsonPath("$.data[0].id")
                .isEqualTo("gpt-test")
                .jsonPath("$.data[0].object")
                .isEqualTo("model")
                .jsonPath("$.data[0].owned_by")
                .isEqualTo("openai")
                .jsonPath("$.data[1].id")
                .isEqualTo("vendor/model-1.5")
                // the configured models, then the in-process embedding model
                .jsonPath("$.data.length()")
                .isEqualTo(6)
                .jsonPath("$.data[5].id")
                .isEqualTo("all-minilm-l6-v2")
                .jsonPath("$.data[5].owned_by")
                .isEqualTo("llm-gateway");
        client.get()
                .uri("/v1/models/vendor/model-1.5")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo("vendor/model-1.5");
        client.get()
                .uri("/v1/models/unknown")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_found");
    }

    @Test
    void theMockModelEchoesTheLastUserMessageWithRealTokenCounts() {
        String request = """
                {"model":"mock-echo","messages":[{"role":"system","content":"be brief"},
                 {"role":"user","content":"first"},{"role":"assistant","content":"ok"},
                 {"role":"user","content":"Echo me, please!"}],"n":2}""";
        post(request)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.model")
                .isEqualTo("mock-echo")
                .jsonPath("$.choices.length()")
                .isEqualTo(2)
                .jsonPath("$.choices[1].message.content")
                .isEqualTo("Echo me, please!")
                .jsonPath("$.choices[0].finish_reason")
                .isEqualTo("stop")
                .jsonPath("$.usage.completion_tokens")
                .isEqualTo(2 * 5);

        List<String> events = streamEvents("""
                {"model":"mock-echo","messages":[{"role":"user","content":"one two three four"}],
                 "stream":true,"max_tokens":2,"stream_options":{"include_usage":true}}""");
        String text = events.stream()
                .filter(e -> !e.equals("[DONE]"))
                .map(JSON::readTree)
                .filter(c -> !c.path("choices").isEmpty())
                .map(c -> c.path("choices").get(0).path("delta").path("content").asString(""))
                .reduce("", String::concat);
        assertThat(text).isEqualTo("one two");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2));
        assertThat(usage.path("usage").path("completion_tokens").intValue()).isEqualTo(2);
        JsonNode finish = JSON.readTree(events.get(events.size() - 3));
        assertThat(finish.path("choices").get(0).path("finish_reason").stringValue())
                .isEqualTo("length");
    }

    /** A streaming request on a raw connection, so the test can drop the connection like a real client. */
    private static Disposable rawStream(String body, Consumer<String> onText) {
        return HttpClient.create()
                .headers(headers -> headers.add(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + serviceKey)
                        .add("X-User-Id", "chat-it-user"))
                .post()
                .uri(gateway.baseUrl() + "/v1/chat/completions")
                .send(ByteBufMono.fromString(Mono.just(body)))
                .responseContent()
                .asString()
                .subscribe(onText, error -> {});
    }
}
