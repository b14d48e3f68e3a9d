package io.llmgateway.app.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider type the app has never heard of, from a module of its own ({@code provider-adapter-example}, on the
 * test classpath only), configured like any other: its type name, its own settings under
 * {@code gateway.deployments.<name>.<type>}, and answers that pass through the whole pipeline (JSON, stream,
 * embeddings, the ledger) exactly as a built-in adapter's do.
 */
class ProviderSpiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static GatewayInstance gateway;
    private static WebTestClient client;
    private static Ledger ledger;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.backwards.type", "reverse"),
                Map.entry("gateway.deployments.backwards.reverse.prefix", ">> "),
                Map.entry("gateway.models[0].id", "reverser"),
                Map.entry("gateway.models[0].deployment", "backwards"),
                Map.entry("gateway.models[1].id", "reverse-embed"),
                Map.entry("gateway.models[1].type", "embedding"),
                Map.entry("gateway.models[1].deployment", "backwards")));
        gateway.admin().project("spi", null);
        String key = gateway.admin().serviceKey("spi").path("key").stringValue();
        client = gateway.client(key).mutate().defaultHeader("X-User-Id", "ada").build();
        ledger = new Ledger(gateway.database());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aChatCompletionIsAnsweredByTheNewTypeWithItsOwnSettingsAndRecorded() {
        Answered answered = post("/v1/chat/completions", """
                {"model":"reverser","messages":[{"role":"user","content":"hello world"}]}""");
        JsonNode answer = answered.json();

        assertThat(answer.path("model").stringValue()).isEqualTo("reverser");
        assertThat(answer.path("choices").get(0).path("message").path("content").stringValue())
                .isEqualTo(">> dlrow olleh");
        assertThat(answer.path("usage").path("prompt_tokens").intValue()).isEqualTo(2);
        assertThat(answer.path("usage").path("completion_tokens").intValue()).isEqualTo(3);
        Map<String, Object> record = ledger.record(answered.requestId());
        assertThat(record.get("model")).isEqualTo("reverser");
        assertThat(record.get("project_id")).isEqualTo("spi");
        assertThat(((Number) record.get("total_tokens")).intValue()).isEqualTo(5);
    }

    @Test
    void aStreamIsAnsweredChunkByChunkWithTheUsageAtTheEnd() {
        String events = new String(
                client.post()
                        .uri("/v1/chat/completions")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("""
                                {"model":"reverser","stream":true,"stream_options":{"include_usage":true},
                                 "messages":[{"role":"user","content":"abc"}]}""")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(byte[].class)
                        .returnResult()
                        .getResponseBody(),
                StandardCharsets.UTF_8);

        assertThat(events).contains("\"content\":\">> cba\"").contains("\"model\":\"reverser\"");
        assertThat(events).contains("\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3,");
        assertThat(events.strip()).endsWith("data: [DONE]");
    }

    @Test
    void embeddingsComeFromTheSameDeployment() {
        JsonNode answer = post("/v1/embeddings", """
                {"model":"reverse-embed","input":["one two","three"]}""").json();

        assertThat(answer.path("data").get(0).path("embedding").get(0).floatValue())
                .isEqualTo(7f);
        assertThat(answer.path("data").get(0).path("embedding").get(1).floatValue())
                .isEqualTo(2f);
        assertThat(answer.path("data").get(1).path("embedding").get(1).floatValue())
                .isEqualTo(1f);
        assertThat(answer.path("usage").path("prompt_tokens").intValue()).isEqualTo(3);
    }

    private record Answered(JsonNode json, String requestId) {}

    private static Answered post(String path, String body) {
        var result = client.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult();
        return new Answered(
                JSON.readTree(result.getResponseBody()),
                result.getResponseHeaders().getFirst("x-request-id"));
    }
}
