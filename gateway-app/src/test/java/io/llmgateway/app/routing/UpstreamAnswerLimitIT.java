package io.llmgateway.app.routing;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code gateway.upstream-pool.max-response-bytes}: a non-streamed answer larger than it is refused with a 502 while
 * it is read, whether the upstream announced its length or not, and the refused call gives its place in the
 * deployment's pool back (a pool of one connection here), so the next call is served.
 */
class UpstreamAnswerLimitIT {

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static WebTestClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.of(
                "gateway.upstream-pool.max-response-bytes", "2KB",
                // one connection: a call that kept its place after a refused answer would leave the next one waiting
                "gateway.upstream-pool.max-connections", "1",
                "gateway.deployments.one.base-url", upstream.baseUrl(),
                "gateway.deployments.one.timeouts.first-byte", "5s",
                "gateway.models[0].id", "limited-model",
                "gateway.models[0].deployment", "one"));
        gateway.admin().project("p", null);
        String key = gateway.admin().serviceKey("p").path("key").stringValue();
        client = gateway.client(key)
                .mutate()
                .responseTimeout(Duration.ofSeconds(20))
                .defaultHeader("X-User-Id", "u")
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static WebTestClient.ResponseSpec ask() {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"limited-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange();
    }

    private static void assertRefusedAsTooLarge() {
        JsonNode error = ask().expectStatus()
                .isEqualTo(502)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("error");
        assertThat(error.path("code").stringValue()).isEqualTo("upstream_invalid_response");
        assertThat(error.path("message").stringValue()).contains("larger than 2048 bytes");
    }

    @Test
    void anAnswerOverTheLimitIs502AndTheNextCallStillGetsTheConnection() {
        String large = OpenAiFixtures.completion("up", "x".repeat(5000), 3, 1);
        upstream.enqueue(Reply.json(200, large));
        assertRefusedAsTooLarge();

        // no Content-Length this time: the limit is found while the pieces arrive
        upstream.enqueue(Reply.sse(Duration.ofMillis(5), List.of(large.substring(0, 1500), large.substring(1500))));
        assertRefusedAsTooLarge();

        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion("up", "small enough", 3, 1)));
        JsonNode answer = ask().expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(answer.path("choices")
                        .path(0)
                        .path("message")
                        .path("content")
                        .stringValue())
                .isEqualTo("small enough");
    }
}
