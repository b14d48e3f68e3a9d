package io.llmgateway.app.routing;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;

/** {@code gateway.upstream-pool.max-connections}: calls over it wait for a connection of the deployment's pool. */
class UpstreamPoolIT {

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.of(
                "gateway.upstream-pool.max-connections", "1",
                "gateway.deployments.one.base-url", upstream.baseUrl(),
                "gateway.deployments.one.timeouts.first-byte", "20s",
                "gateway.models[0].id", "pooled-model",
                "gateway.models[0].deployment", "one"));
        gateway.admin().project("p", null);
        key = gateway.admin().serviceKey("p").path("key").stringValue();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aSecondCallWaitsForTheOnlyConnectionAndIsServedWhenTheFirstStreamEnds() throws InterruptedException {
        upstream.enqueue(
                Reply.sseForever(Duration.ofMillis(50), n -> OpenAiFixtures.chunkEvent("up", n.intValue(), "x")));
        upstream.fallback(request -> Reply.json(200, OpenAiFixtures.completion("up", "second", 3, 1)));
        CountDownLatch streaming = new CountDownLatch(1);
        Disposable holder = HttpClient.newConnection()
                .headers(h -> h.add("Content-Type", "application/json")
                        .add("Authorization", "Bearer " + key)
                        .add("X-User-Id", "u"))
                .post()
                .uri(gateway.baseUrl() + "/v1/chat/completions")
                .send(ByteBufMono.fromString(Mono.just("{\"model\":\"pooled-model\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")))
                .responseContent()
                .asString()
                .subscribe(text -> streaming.countDown());
        try {
            assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
            WebTestClient client = gateway.client(key)
                    .mutate()
                    .responseTimeout(Duration.ofSeconds(30))
                    .defaultHeader("X-User-Id", "u")
                    .build();
            var second = Mono.fromCallable(() -> client.post()
                            .uri("/v1/chat/completions")
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(
                                    "{\"model\":\"pooled-model\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}")
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(String.class)
                            .returnResult())
                    .subscribeOn(Schedulers.boundedElastic())
                    .toFuture();

            // the stream holds the deployment's one connection: the second call has not reached the upstream
            Thread.sleep(1000);
            assertThat(second).isNotDone();
            assertThat(upstream.requests()).hasSize(1);

            CountDownLatch closed = upstream.nextDisconnect();
            holder.dispose();
            assertThat(FakeUpstream.await(closed, Duration.ofSeconds(10))).isTrue();
            EntityExchangeResult<String> answer = second.join();
            assertThat(answer.getResponseBody()).contains("second");
            assertThat(upstream.requests()).hasSize(2);
        } finally {
            holder.dispose();
        }
    }
}
