package io.llmgateway.app.routing;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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

/** Routing across deployments with fake upstreams that fail in every way. */
class ResilienceIT {

    private static final String[] NAMES = {"a", "b", "bad", "good", "down", "backup", "flaky", "steady", "tiny"};
    private static final Map<String, FakeUpstream> UPSTREAMS = new HashMap<>();
    private static final AtomicBoolean FLAKY_FAILS = new AtomicBoolean(true);
    private static GatewayInstance gateway;
    private static WebTestClient client;
    private static String key;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>();
        for (String name : NAMES) {
            FakeUpstream upstream = FakeUpstream.start();
            UPSTREAMS.put(name, upstream);
            settings.put(
                    "gateway.deployments." + name + ".base-url",
                    name.equals("down") ? "http://127.0.0.1:1/v1" : upstream.baseUrl());
        }
        // only the deployment that hangs needs a short wait; the others keep the default, so that a slow test host
        // (a JIT warming up, a CPU taken by another guest) cannot turn a healthy call into a 504
        settings.put("gateway.deployments.bad.timeouts.first-byte", "500ms");
        int i = 0;
        i = model(settings, i, "balanced", "a:3,b:1", null);
        i = model(settings, i, "retrying", "bad:1,good:1", null);
        i = model(settings, i, "main", "down:1", "backup-model");
        i = model(settings, i, "backup-model", "backup:1", null);
        i = model(settings, i, "flaky-model", "flaky:1", "steady-model");
        i = model(settings, i, "steady-model", "steady:1", null);
        i = model(settings, i, "tiny-model", "tiny:1", null);
        settings.put("gateway.resilience.backoff", "10ms");
        settings.put("gateway.resilience.max-attempts", "3");
        settings.put("resilience4j.circuitbreaker.instances.flaky.minimum-number-of-calls", "4");
        settings.put("resilience4j.circuitbreaker.instances.flaky.sliding-window-size", "4");
        settings.put("resilience4j.circuitbreaker.instances.flaky.wait-duration-in-open-state", "1s");
        settings.put("resilience4j.circuitbreaker.instances.flaky.permitted-number-of-calls-in-half-open-state", "1");
        settings.put("resilience4j.bulkhead.instances.tiny.max-concurrent-calls", "1");
        gateway = GatewayInstance.start(settings);
        gateway.admin().project("r", null);
        key = gateway.admin().serviceKey("r").path("key").stringValue();
        client = gateway.client(key).mutate().defaultHeader("X-User-Id", "u").build();
    }

    private static int model(Map<String, String> settings, int index, String id, String targets, String fallback) {
        settings.put("gateway.models[" + index + "].id", id);
        String[] parts = targets.split(",");
        for (int t = 0; t < parts.length; t++) {
            String[] nameWeight = parts[t].split(":");
            settings.put("gateway.models[" + index + "].deployments[" + t + "].name", nameWeight[0]);
            settings.put("gateway.models[" + index + "].deployments[" + t + "].weight", nameWeight[1]);
        }
        if (fallback != null) {
            settings.put("gateway.models[" + index + "].fallbacks[0]", fallback);
        }
        return index + 1;
    }

    @AfterAll
    static void stop() {
        gateway.close();
        UPSTREAMS.values().forEach(FakeUpstream::close);
    }

    @BeforeEach
    void reset() {
        UPSTREAMS.values().forEach(upstream -> {
            upstream.reset();
            upstream.fallback(request -> Reply.json(200, OpenAiFixtures.completion("up", "ok", 3, 1)));
        });
    }

    private static WebTestClient.ResponseSpec chat(String model, boolean stream) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange();
    }

    @Test
    void aModelWithOneDeploymentIsRetriedOnItAfterATransientFailure() {
        FakeUpstream backup = UPSTREAMS.get("backup");
        backup.enqueue(
                Reply.json(503, "{\"error\":{\"message\":\"overloaded\"}}"),
                Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"));
        chat("backup-model", false).expectStatus().isOk();
        assertThat(backup.requests())
                .as("two failures, then the answer, from the one deployment")
                .hasSize(3);

        backup.reset();
        backup.enqueue(Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "30")));
        chat("backup-model", false).expectStatus().isEqualTo(429).expectHeader().valueEquals("Retry-After", "30");
        assertThat(backup.requests())
                .as("an upstream that asked for 30 s is not asked again at once")
                .hasSize(1);

        backup.reset();
        backup.enqueue(Reply.json(400, "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}"));
        chat("backup-model", false).expectStatus().isEqualTo(400);
        assertThat(backup.requests()).as("a 400 is never retried").hasSize(1);
    }

    @Test
    void trafficFollowsTheWeights() {
        for (int i = 0; i < 200; i++) {
            chat("balanced", false).expectStatus().isOk();
        }
        double shareOfA = UPSTREAMS.get("a").requests().size() / 200.0;
        assertThat(UPSTREAMS.get("a").requests().size()
                        + UPSTREAMS.get("b").requests().size())
                .isEqualTo(200);
        assertThat(shareOfA).as("weight 3 of 4").isBetween(0.62, 0.88);
    }

    @Test
    void transientFailuresBeforeTheFirstByteMoveToAnotherDeployment() {
        UPSTREAMS.get("bad").fallback(request -> Reply.json(500, "{\"error\":{\"message\":\"down\"}}"));
        for (int i = 0; i < 10; i++) {
            chat("retrying", false)
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.model")
                    .isEqualTo("retrying");
        }
        assertThat(UPSTREAMS.get("good").requests()).hasSize(10);

        UPSTREAMS.get("bad").fallback(request -> Reply.hang());
        for (int i = 0; i < 4; i++) {
            chat("retrying", true).expectStatus().isOk();
        }
        assertThat(UPSTREAMS.get("good").requests()).hasSize(14);
    }

    @Test
    void aClientErrorIsNeverRetried() {
        UPSTREAMS.get("bad").fallback(request -> Reply.json(400, "{\"error\":{\"message\":\"bad prompt\"}}"));
        UPSTREAMS.get("good").fallback(request -> Reply.json(400, "{\"error\":{\"message\":\"bad prompt\"}}"));
        for (int i = 0; i < 6; i++) {
            chat("retrying", false).expectStatus().isBadRequest();
        }
        assertThat(UPSTREAMS.get("bad").requests().size()
                        + UPSTREAMS.get("good").requests().size())
                .as("one upstream call per request")
                .isEqualTo(6);
    }

    @Test
    void aFailureAfterTheFirstChunkIsNotRetriedAndEndsWithAnErrorEvent() {
        for (String name : new String[] {"bad", "good"}) {
            UPSTREAMS
                    .get(name)
                    .fallback(request -> Reply.sseThenReset(
                            Duration.ofMillis(5), List.of(OpenAiFixtures.chunkEvent("up", 0, "partial"))));
        }
        byte[] body = chat("retrying", true)
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        String events = new String(body, StandardCharsets.UTF_8);
        assertThat(events).contains("partial").contains("\"error\"").doesNotContain("[DONE]");
        assertThat(UPSTREAMS.get("bad").requests().size()
                        + UPSTREAMS.get("good").requests().size())
                .isEqualTo(1);
    }

    @Test
    void aRateLimitedOnlyDeploymentKeeps429AndRetryAfter() {
        UPSTREAMS
                .get("tiny")
                .fallback(request -> Reply.json(429, "{\"error\":{\"message\":\"slow\"}}", Map.of("Retry-After", "9")));
        chat("tiny-model", false).expectStatus().isEqualTo(429).expectHeader().valueEquals("Retry-After", "9");
    }

    @Test
    void theFallbackModelServesWhenThePrimaryIsDown() {
        chat("main", false)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.model")
                .isEqualTo("main");
        chat("main", true).expectStatus().isOk();
        assertThat(UPSTREAMS.get("backup").requests()).hasSize(2);
    }

    @Test
    void theCircuitOpensSkipsTheDeploymentAndClosesAgain() throws InterruptedException {
        FLAKY_FAILS.set(true);
        UPSTREAMS
                .get("flaky")
                .fallback(request -> FLAKY_FAILS.get()
                        ? Reply.json(503, "{\"error\":{\"message\":\"overloaded\"}}")
                        : Reply.json(200, OpenAiFixtures.completion("up", "ok", 3, 1)));
        for (int i = 0; i < 4; i++) {
            chat("flaky-model", false).expectStatus().isOk();
        }
        assertThat(UPSTREAMS.get("flaky").requests()).hasSize(4);
        assertThat(circuitState("flaky")).isEqualTo("OPEN");

        for (int i = 0; i < 5; i++) {
            chat("flaky-model", false).expectStatus().isOk();
        }
        assertThat(UPSTREAMS.get("flaky").requests())
                .as("an open circuit is skipped")
                .hasSize(4);
        assertThat(UPSTREAMS.get("steady").requests()).hasSize(9);

        FLAKY_FAILS.set(false);
        Thread.sleep(1100);
        chat("flaky-model", false).expectStatus().isOk();
        assertThat(UPSTREAMS.get("flaky").requests())
                .as("half-open: one trial call")
                .hasSize(5);
        assertThat(circuitState("flaky")).isEqualTo("CLOSED");

        String metrics = new String(
                gateway.client(gateway.adminToken())
                        .get()
                        .uri("/actuator/prometheus")
                        .exchange()
                        .expectBody(byte[].class)
                        .returnResult()
                        .getResponseBody(),
                StandardCharsets.UTF_8);
        assertThat(metrics)
                .contains("resilience4j_circuitbreaker_state")
                .contains("name=\"flaky\"")
                .contains("resilience4j_bulkhead_available_concurrent_calls");
    }

    @Test
    void whenNoDeploymentCanTakeTheRequestTheAnswerIs503WithRetryAfter() {
        UPSTREAMS
                .get("tiny")
                .fallback(request -> Reply.sseForever(
                        Duration.ofMillis(50), n -> OpenAiFixtures.chunkEvent("up", n.intValue(), "x")));
        CountDownLatch streaming = new CountDownLatch(1);
        Disposable holder = HttpClient.create()
                .headers(h -> h.add("Content-Type", "application/json")
                        .add("Authorization", "Bearer " + key)
                        .add("X-User-Id", "u"))
                .post()
                .uri(gateway.baseUrl() + "/v1/chat/completions")
                .send(
                        ByteBufMono.fromString(
                                Mono.just(
                                        "{\"model\":\"tiny-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                .responseContent()
                .asString()
                .subscribe(text -> streaming.countDown());
        try {
            assertThat(FakeUpstream.await(streaming, Duration.ofSeconds(5))).isTrue();
            chat("tiny-model", false)
                    .expectStatus()
                    .isEqualTo(503)
                    .expectHeader()
                    .valueEquals("Retry-After", "5")
                    .expectBody()
                    .jsonPath("$.error.code")
                    .isEqualTo("no_deployment_available");
        } finally {
            holder.dispose();
        }
    }

    private static String circuitState(String name) {
        byte[] body = gateway.client(gateway.adminToken())
                .get()
                .uri("/actuator/circuitbreakers")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        return TestJson.mapper()
                .readTree(body)
                .path("circuitBreakers")
                .path(name)
                .path("state")
                .asString("");
    }
}
