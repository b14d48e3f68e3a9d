package io.llmgateway.app.pipeline;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code x-gateway-overhead-ms} is the time between the request's arrival and the answer's head going out, less the
 * upstream's own wait (from the call's last byte written to its answer). Time a call spends before it is on the wire,
 * such as waiting for the deployment's only pooled connection, is the gateway's; the upstream's time is not.
 */
class OverheadHeaderIT {

    private static final long UPSTREAM_MS = 1_000;
    /** How much later than the upstream's read of a request the gateway may see its write completed. */
    private static final long WRITE_SLACK_MS = 25;

    @Test
    void aCallThatWaitedForTheOnlyConnectionReportsThatWaitAndNeitherReportsTheUpstreamsTime() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
                GatewayInstance gateway = GatewayInstance.start(Map.of(
                        "gateway.upstream-pool.max-connections", "1",
                        "gateway.deployments.one.base-url", upstream.baseUrl(),
                        "gateway.deployments.one.timeouts.first-byte", "20s",
                        "gateway.models[0].id", "timed",
                        "gateway.models[0].deployment", "one"))) {
            gateway.admin().project("overhead", null);
            String key = gateway.admin().serviceKey("overhead").path("key").stringValue();
            WebTestClient client = gateway.client(key)
                    .mutate()
                    .responseTimeout(Duration.ofSeconds(30))
                    .defaultHeader("X-User-Id", "u")
                    .build();
            Duration upstreamTime = Duration.ofMillis(UPSTREAM_MS);
            upstream.enqueue(
                    Reply.delayed(upstreamTime, Reply.json(200, OpenAiFixtures.completion("up", "first", 3, 1))),
                    Reply.delayed(
                            upstreamTime,
                            Reply.sse(Duration.ZERO, OpenAiFixtures.stream("up", List.of("second"), true))));

            CompletableFuture<Timed> first = CompletableFuture.supplyAsync(() -> call(client, false));
            while (upstream.requests().isEmpty()) {
                Thread.sleep(2);
            }
            // the first call holds the only connection for the upstream's second: the stream waits for it
            long secondSent = System.nanoTime();
            CompletableFuture<Timed> second = CompletableFuture.supplyAsync(() -> call(client, true));
            Timed json = first.get(30, TimeUnit.SECONDS);
            Timed stream = second.get(30, TimeUnit.SECONDS);
            long poolWaitAtLeastMs = UPSTREAM_MS - TimeUnit.NANOSECONDS.toMillis(secondSent - json.sentNanos());

            assertThat(json.overheadMs())
                    .as("the JSON call's overhead, observed %s ms", json.observedMs())
                    .isLessThanOrEqualTo(json.observedMs() - UPSTREAM_MS + WRITE_SLACK_MS);
            assertThat(stream.overheadMs())
                    .as("the stream's overhead, observed %s ms", stream.observedMs())
                    .isGreaterThanOrEqualTo(poolWaitAtLeastMs - WRITE_SLACK_MS)
                    .isLessThanOrEqualTo(stream.observedMs() - UPSTREAM_MS + WRITE_SLACK_MS);
        }
    }

    /** One call, timed from its sending to its answer's head; a stream is then read to its end. */
    private static Timed call(WebTestClient client, boolean stream) {
        long sent = System.nanoTime();
        FluxExchangeResult<String> result = client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"timed\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class);
        double observedMs = (System.nanoTime() - sent) / 1e6;
        String overhead = result.getResponseHeaders().getFirst(ChatAnswerHeaders.OVERHEAD);
        result.getResponseBody().blockLast(Duration.ofSeconds(30));
        assertThat(overhead).as(ChatAnswerHeaders.OVERHEAD).isNotNull();
        return new Timed(sent, observedMs, Double.parseDouble(overhead));
    }

    private record Timed(long sentNanos, double observedMs, double overheadMs) {}
}
