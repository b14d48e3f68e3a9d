package io.llmgateway.app.profile;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** Profiles and adapters over real HTTP: what the upstream actually receives, and the default NVIDIA routes. */
class ProfilesIT {

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static WebTestClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        // the NVIDIA deployments of the default configuration, with no key, plus an octo route
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("NVIDIA_API_KEY", ""),
                Map.entry("gateway.models[0].id", "microsoft/phi-3.5-moe-instruct"),
                Map.entry("gateway.models[0].deployment", "nvidia-phi"),
                Map.entry("gateway.models[0].profile", "nim-phi"),
                Map.entry("gateway.models[1].id", "mistralai/mistral-7b-instruct-v0.2"),
                Map.entry("gateway.models[1].deployment", "nvidia-mistral"),
                Map.entry("gateway.models[1].profile", "nim-mistral"),
                Map.entry("gateway.models[2].id", "mock-echo"),
                Map.entry("gateway.models[2].deployment", "mock"),
                Map.entry("gateway.deployments.vllm.type", "octo"),
                Map.entry("gateway.deployments.vllm.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.vllm.upstream-model", "llama-3-8b"),
                Map.entry("gateway.deployments.vllm.octo.peft-models.support-bot", "llama-3-8b-support"),
                Map.entry("gateway.models[3].id", "llama-octo"),
                Map.entry("gateway.models[3].deployment", "vllm"),
                Map.entry("gateway.models[3].profile", "octo"),
                Map.entry("gateway.models[3].defaults.temperature", "0.7")));
        gateway.admin().project("p", null);
        client = gateway.client(gateway.admin().serviceKey("p").path("key").stringValue())
                .mutate()
                .defaultHeader("X-User-Id", "u")
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static WebTestClient.ResponseSpec post(String body) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    @Test
    void theNvidiaRoutesCheckRequestsFullyAndAnswer503WithoutAKey() {
        post("""
                {"model":"microsoft/phi-3.5-moe-instruct","messages":[{"role":"user","content":"hi"}],
                 "temperature":1.5}""")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("temperature");
        post("""
                {"model":"microsoft/phi-3.5-moe-instruct","messages":[{"role":"system","content":"s"},
                 {"role":"context","content":"c"},{"role":"user","content":"hi"}],"bad":["x"]}""")
                .expectStatus()
                .isEqualTo(503)
                .expectBody()
                .jsonPath("$.error.message")
                .value(message -> assertThat((String) message).contains("NVIDIA_API_KEY"));
        post("""
                {"model":"mistralai/mistral-7b-instruct-v0.2","messages":[{"role":"user","content":"hi"}],
                 "frequency_penalty":-2.5}""")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("frequency_penalty");
    }

    @Test
    void theUpstreamReceivesTheCompletedRequest() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion("llama-3-8b-support", "ok", 4, 1)));
        post("""
                {"model":"llama-octo","messages":[{"role":"user","content":"hi"}],"peft":"support-bot",
                 "min_p":0.1,"metadata":{"k":"v"},"custom_engine_flag":true}""")
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("x-gateway-dropped-params", "metadata")
                .expectBody()
                .jsonPath("$.model")
                .isEqualTo("llama-octo");
        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.path("model").stringValue()).isEqualTo("llama-3-8b-support");
        assertThat(sent.path("temperature").doubleValue())
                .as("route default over profile default")
                .isEqualTo(0.7);
        assertThat(sent.path("max_tokens").intValue()).as("profile default").isEqualTo(512);
        assertThat(sent.path("repetition_penalty").doubleValue()).isEqualTo(1.0);
        assertThat(sent.path("min_p").doubleValue()).isEqualTo(0.1);
        assertThat(sent.has("metadata")).isFalse();
        assertThat(sent.path("custom_engine_flag").booleanValue())
                .as("unknown fields pass")
                .isTrue();

        post("""
                {"model":"llama-octo","messages":[{"role":"user","content":"hi"}],"peft":"unknown-adapter"}""")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("peft");
    }

    @Test
    void theGatewayAlwaysAsksForStreamUsageAndHidesItWhenTheClientDidNot() {
        upstream.enqueue(Reply.sse(Duration.ZERO, OpenAiFixtures.stream("llama-3-8b", List.of("a", "b"), true)));
        byte[] body = post("""
                {"model":"llama-octo","messages":[{"role":"user","content":"hi"}],"stream":true}""")
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        String events = new String(body, StandardCharsets.UTF_8);
        assertThat(events).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.path("stream_options").path("include_usage").booleanValue())
                .isTrue();
    }
}
