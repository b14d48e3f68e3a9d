package io.llmgateway.app.pipeline;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway forwards what it does not own byte for byte: the client's fields in the client's order upstream, the
 * upstream's answer and every stream event back in the upstream's order, with only the model id replaced and the
 * gateway's {@code cost} added to a usage. Usage is read from the upstream's bytes, exactly, even when an event
 * arrives in pieces, and from an engine's continuous usage when a stream is cut short.
 */
class ByteFaithfulForwardingIT {

    private static final JsonMapper JSON = TestJson.mapper();
    private static final String UPSTREAM_MODEL = "upstream-model";
    private static final String USER = "faithful-user";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static Ledger ledger;
    private static String key;
    private WebTestClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.up.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.deployments.vllm.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.vllm.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.deployments.vllm.continuous-usage", "true"),
                Map.entry("gateway.models[0].id", "faithful"),
                Map.entry("gateway.models[0].deployment", "up"),
                Map.entry("gateway.models[1].id", "engine"),
                Map.entry("gateway.models[1].deployment", "vllm"),
                Map.entry("gateway.models[2].id", "engine-asked"),
                Map.entry("gateway.models[2].deployment", "vllm")));
        ledger = new Ledger(gateway.database());
        gateway.admin().project("faithful", null);
        key = gateway.admin().serviceKey("faithful").path("key").stringValue();
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

    private EntityExchangeResult<byte[]> post(String body) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The gateway's own addition to a usage, which is the only change besides the model id. */
    private static String withoutCost(String json) {
        return json.replaceAll(",\"cost\":[0-9.Ee+-]+", "");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.propertyNames().forEach(names::add);
        return names;
    }

    @Test
    void aJsonAnswerComesBackAsTheUpstreamWroteItAndTheRequestGoesUpInTheClientsOrder() {
        String answer = "{ \"z_vendor\" : {\"b\":1,\"a\":[true,null]},\"choices\":[{\"message\":{\"content\":\"Hi\","
                + "\"role\":\"assistant\",\"x_part\":1},\"index\":0,\"finish_reason\":\"stop\"}],\"model\":\""
                + UPSTREAM_MODEL + "\",\"id\":\"c-1\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"usage\":{\"total_tokens\":11,\"completion_tokens\":2,\"prompt_tokens\":9},\"service_tier\":null }";
        upstream.enqueue(Reply.json(200, answer));

        EntityExchangeResult<byte[]> result = post("""
                {"x_first":{"y":2,"x":1},"messages":[{"content":"Hello","role":"user","name":"n"}],
                 "temperature":0.5,"model":"faithful","vendor_knob":[3,2,1],"stream":false}""");

        assertThat(result.getStatus().value()).isEqualTo(200);
        String expected = answer.replace("\"model\":\"" + UPSTREAM_MODEL + "\"", "\"model\":\"faithful\"");
        assertThat(withoutCost(text(result.getResponseBody()))).isEqualTo(expected);
        assertThat(text(result.getResponseBody())).doesNotContain("logprobs").contains("\"prompt_tokens\":9,\"cost\":");

        JsonNode sent = JSON.readTree(upstream.lastRequest().body());
        assertThat(names(sent)).containsExactly("x_first", "messages", "temperature", "model", "vendor_knob");
        assertThat(names(sent.path("x_first"))).containsExactly("y", "x");
        assertThat(names(sent.path("messages").get(0))).containsExactly("content", "role", "name");
        assertThat(sent.path("model").stringValue()).isEqualTo(UPSTREAM_MODEL);
        assertThat(sent.path("vendor_knob").toString()).isEqualTo("[3,2,1]");
    }

    @Test
    void everyStreamEventIsTheUpstreamsAndAUsageSplitAcrossReadsIsReadExactly() {
        String first = "{\"choices\":[{\"delta\":{\"content\":\"Hel\",\"role\":\"assistant\"},\"index\":0,"
                + "\"logprobs\":null,\"x_choice\":\"k\"}],\"model\":\"" + UPSTREAM_MODEL + "\",\"id\":\"s-1\","
                + "\"object\":\"chat.completion.chunk\",\"created\":1,\"x_event\":[1]}";
        String second = "{\"id\":\"s-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                + UPSTREAM_MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},"
                + "\"finish_reason\":\"stop\"}]}";
        String usage = "{\"id\":\"s-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                + UPSTREAM_MODEL + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":1234,\"completion_tokens\":567,"
                + "\"total_tokens\":1801}}";
        String usageEvent = "data: " + usage + "\n\n";
        int cut = usageEvent.indexOf("1234") + 2;
        upstream.enqueue(Reply.sse(
                Duration.ofMillis(30),
                List.of(
                        "data: " + first + "\n\n",
                        "data: " + second + "\n\n",
                        usageEvent.substring(0, cut),
                        usageEvent.substring(cut),
                        OpenAiFixtures.DONE)));

        EntityExchangeResult<byte[]> result = post("""
                {"model":"faithful","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(result.getStatus().value()).isEqualTo(200);
        List<String> events = SseData.of(text(result.getResponseBody()));
        String model = "\"model\":\"" + UPSTREAM_MODEL + "\"";
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).isEqualTo(first.replace(model, "\"model\":\"faithful\""));
        assertThat(events.get(1)).isEqualTo(second.replace(model, "\"model\":\"faithful\""));
        assertThat(withoutCost(events.get(2))).isEqualTo(usage.replace(model, "\"model\":\"faithful\""));
        assertThat(events.get(3)).isEqualTo("[DONE]");

        Map<String, Object> record = ledger.record(result.getResponseHeaders().getFirst("x-request-id"));
        assertThat(record)
                .containsEntry("token_source", "upstream")
                .containsEntry("prompt_tokens", 1234)
                .containsEntry("completion_tokens", 567)
                .containsEntry("status", "ok");
    }

    @Test
    void aStreamCutShortIsBilledTheEnginesContinuousUsageWhichTheClientDidNotAskFor() {
        List<String> chunks = new ArrayList<>();
        String[] words = {"alpha", " beta", " gamma"};
        for (int i = 0; i < words.length; i++) {
            chunks.add("data: {\"id\":\"v-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                    + UPSTREAM_MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + words[i]
                    + "\"}}],\"usage\":{\"prompt_tokens\":83,\"total_tokens\":" + (84 + i) + ",\"completion_tokens\":"
                    + (1 + i) + "}}\n\n");
        }
        upstream.enqueue(Reply.sseThenHang(chunks));
        CountDownLatch sawAll = new CountDownLatch(1);
        StringBuilder received = new StringBuilder();
        Disposable stream = HttpClient.create()
                .headers(headers -> headers.add(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                        .add("X-User-Id", USER))
                .post()
                .uri(gateway.baseUrl() + "/v1/chat/completions")
                .send(ByteBufMono.fromString(Mono.just("{\"model\":\"engine\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say three words\"}]}")))
                .responseContent()
                .asString()
                .subscribe(
                        piece -> {
                            synchronized (received) {
                                received.append(piece);
                                if (received.toString().contains("gamma")) {
                                    sawAll.countDown();
                                }
                            }
                        },
                        error -> {});
        assertThat(FakeUpstream.await(sawAll, Duration.ofSeconds(5))).isTrue();

        stream.dispose();

        ledger.awaitCount("SELECT count(*) FROM usage_records WHERE model = 'engine'", 1, Duration.ofSeconds(10));
        Map<String, Object> record = ledger.query("SELECT * FROM usage_records WHERE model = 'engine'")
                .get(0);
        assertThat(record)
                .containsEntry("status", "cancelled")
                .containsEntry("token_source", "upstream")
                .containsEntry("prompt_tokens", 83)
                .containsEntry("completion_tokens", 3);
        JsonNode options = JSON.readTree(upstream.lastRequest().body()).path("stream_options");
        assertThat(options.path("include_usage").booleanValue()).isTrue();
        assertThat(options.path("continuous_usage_stats").booleanValue()).isTrue();
        synchronized (received) {
            List<String> events = SseData.of(received.toString());
            assertThat(events).hasSize(3).allSatisfy(event -> {
                assertThat(event)
                        .as("the counts stay with the gateway: the client did not ask for them")
                        .contains("\"usage\":null")
                        .doesNotContain("prompt_tokens");
                assertThat(event).contains("\"model\":\"engine\"");
            });
        }
    }

    @Test
    void aClientThatAsksForContinuousUsageGetsItWithItsCost() {
        upstream.enqueue(Reply.sse(
                Duration.ZERO,
                List.of(
                        "data: {\"id\":\"v-2\",\"object\":\"chat.completion.chunk\","
                                + "\"created\":1,\"model\":\"" + UPSTREAM_MODEL
                                + "\",\"choices\":[{\"index\":0,\"delta\":"
                                + "{\"content\":\"a\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
                                + "\"completion_tokens\":1,\"total_tokens\":6}}\n\n",
                        OpenAiFixtures.DONE)));

        EntityExchangeResult<byte[]> result = post("""
                {"model":"engine-asked","stream":true,"messages":[{"role":"user","content":"Hi"}],
                 "stream_options":{"include_usage":true,"continuous_usage_stats":true}}""");

        List<String> events = SseData.of(text(result.getResponseBody()));
        assertThat(events.get(0))
                .contains("\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1," + "\"total_tokens\":6,\"cost\":");
        assertThat(ledger.record(result.getResponseHeaders().getFirst("x-request-id")))
                .containsEntry("prompt_tokens", 5)
                .containsEntry("completion_tokens", 1);
    }

    /** The data of each server-sent event, in order. */
    private static final class SseData {

        static List<String> of(String body) {
            List<String> data = new ArrayList<>();
            for (String event : body.split("\n\n")) {
                if (event.startsWith("data: ")) {
                    data.add(event.substring("data: ".length()));
                }
            }
            return data;
        }
    }
}
