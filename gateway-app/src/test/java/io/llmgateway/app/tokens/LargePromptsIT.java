package io.llmgateway.app.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.RawHttp;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One client's huge prompts slow only that client: four prompts of megabytes in parallel (one a single word of
 * 3 MB, which byte-pair encoding took 16 s for) while another client's small requests keep being answered.
 */
class LargePromptsIT {

    private static final String SMALL = "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void fourLargePromptsInParallelLeaveSmallRequestsTheirLatency() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            // no usage in the answers: the gateway's own count is what the ledger keeps
            upstream.fallback(request -> Reply.json(
                    200,
                    "{\"id\":\"c\",\"object\":\"chat.completion\","
                            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                            + "\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
            try (GatewayInstance gateway = GatewayInstance.start(Map.of(
                    "gateway.deployments.up.base-url",
                    upstream.baseUrl(),
                    "gateway.models[0].id",
                    "up",
                    "gateway.models[0].deployment",
                    "up",
                    "gateway.models[1].id",
                    "mock-echo",
                    "gateway.models[1].deployment",
                    "mock",
                    "gateway.tokenizer.max-per-key",
                    "4"))) {
                gateway.admin().project("big", null);
                gateway.admin().project("small", null);
                String bigKey = gateway.admin().serviceKey("big").path("key").stringValue();
                String smallKey =
                        gateway.admin().serviceKey("small").path("key").stringValue();
                RawHttp http = new RawHttp("127.0.0.1", gateway.port());
                for (int i = 0; i < 10; i++) {
                    send(http, smallKey, SMALL); // warm up
                }

                String word = "a".repeat(3 * 1024 * 1024);
                List<String> large = List.of(
                        body("up", word),
                        body("up", "The quick brown fox jumps over the lazy dog. ".repeat(70_000)),
                        body("mock-echo", word),
                        body("up", "x".repeat(512 * 1024) + " " + "漢字".repeat(250_000)));
                List<CompletableFuture<RawHttp.Response>> running = new ArrayList<>();
                for (String body : large) {
                    running.add(CompletableFuture.supplyAsync(() -> send(http, bigKey, body)));
                }
                long slowest = 0;
                int during = 0;
                while (running.stream().anyMatch(future -> !future.isDone()) || during < 5) {
                    long start = System.nanoTime();
                    RawHttp.Response small = send(http, smallKey, SMALL);
                    slowest = Math.max(slowest, System.nanoTime() - start);
                    assertThat(small.status()).isEqualTo(200);
                    during++;
                }
                assertThat(Duration.ofNanos(slowest))
                        .as("the slowest of %d small requests meanwhile", during)
                        .isLessThan(Duration.ofSeconds(3));
                List<String> ids = new ArrayList<>();
                for (CompletableFuture<RawHttp.Response> future : running) {
                    RawHttp.Response response = future.get(60, TimeUnit.SECONDS);
                    assertThat(response.status()).as(response.text()).isEqualTo(200);
                    ids.add(response.headers().get("x-request-id"));
                }
                // the 3 MB word is counted as one token per byte (an upper bound), not byte-pair encoded
                Map<String, Object> wordRecord = new Ledger(gateway.database()).record(ids.get(0));
                assertThat((Integer) wordRecord.get("prompt_tokens")).isGreaterThan(3 * 1024 * 1024);
            }
        }
    }

    private static String body(String model, String content) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}]}";
    }

    private static RawHttp.Response send(RawHttp http, String key, String body) {
        return http.send(
                "POST",
                "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + key, "X-User-Id", "u", "Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }
}
