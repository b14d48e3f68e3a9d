package io.llmgateway.app.routing;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * A deployment that served a request keeps its pooled connection through a pause: the gateway sends it
 * {@code GET /models} (no tokens) whenever it has been idle for {@code keep-warm}, for {@code keep-warm-for} after
 * its last request. A deployment never called is left alone.
 */
class UpstreamKeepWarmIT {

    @Test
    void anIdleDeploymentIsKeptWarmForAWhileAfterItsLastRequestAndAnUnusedOneIsLeftAlone() throws Exception {
        try (FakeUpstream used = FakeUpstream.start();
                FakeUpstream unused = FakeUpstream.start();
                GatewayInstance gateway = GatewayInstance.start(Map.ofEntries(
                        Map.entry("gateway.upstream-pool.keep-warm", "300ms"),
                        Map.entry("gateway.upstream-pool.keep-warm-for", "2s"),
                        Map.entry("gateway.deployments.used.base-url", used.baseUrl()),
                        Map.entry("gateway.deployments.used.api-key", "sk-used"),
                        Map.entry("gateway.deployments.unused.base-url", unused.baseUrl()),
                        Map.entry("gateway.models[0].id", "warm"),
                        Map.entry("gateway.models[0].deployment", "used"),
                        Map.entry("gateway.models[1].id", "cold"),
                        Map.entry("gateway.models[1].deployment", "unused")))) {
            gateway.admin().project("keep-warm", null);
            String key = gateway.admin().serviceKey("keep-warm").path("key").stringValue();
            used.fallback(request -> request.path().endsWith("/models")
                    ? Reply.json(200, "{\"object\":\"list\",\"data\":[]}")
                    : Reply.json(200, OpenAiFixtures.completion("warm", "hi", 3, 1)));

            gateway.client(key)
                    .post()
                    .uri("/v1/chat/completions")
                    .header("X-User-Id", "u")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"model\":\"warm\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .exchange()
                    .expectStatus()
                    .isOk();

            Thread.sleep(1_500);
            List<FakeUpstream.RecordedRequest> pings = pings(used);
            assertThat(pings)
                    .as("kept warm while idle")
                    .hasSizeBetween(2, 6)
                    .allSatisfy(ping -> assertThat(ping.header("authorization")).isEqualTo("Bearer sk-used"));
            assertThat(unused.requests()).as("never called, never kept warm").isEmpty();

            // keep-warm-for has passed: no more requests
            Thread.sleep(1_500);
            int afterKeepFor = pings(used).size();
            Thread.sleep(1_000);
            assertThat(pings(used)).hasSize(afterKeepFor);
        }
    }

    private static List<FakeUpstream.RecordedRequest> pings(FakeUpstream upstream) {
        return upstream.requests().stream()
                .filter(request ->
                        request.method().equals("GET") && request.path().endsWith("/v1/models"))
                .toList();
    }
}
