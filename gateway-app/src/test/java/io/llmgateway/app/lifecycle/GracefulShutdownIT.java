package io.llmgateway.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.PostgresSupport;
import io.llmgateway.testsupport.TestJson;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;

/**
 * The packaged gateway as its own process, stopped with a real SIGTERM while streams are in flight: a stream that
 * can finish within the grace period finishes with {@code [DONE]}; one that cannot ends with an error event.
 */
class GracefulShutdownIT {

    private static final Duration GRACE = Duration.ofSeconds(3);

    @Test
    void sigtermLetsStreamsFinishWithinTheGracePeriodAndEndsTheRestWithAnErrorEvent() throws Exception {
        Path jar = Path.of("target/llm-gateway.jar");
        assertThat(jar)
                .as("the packaged gateway (built before integration tests)")
                .exists();
        PostgresSupport.Database db = PostgresSupport.newDatabase();
        String admin = new ApiKeyFormat().issue(KeyKind.ADMIN).token();
        int port = freePort();
        Path log = Files.createTempFile("gateway-shutdown", ".log");
        Process gateway = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--gateway.database.url=" + db.jdbcUrl(),
                        "--gateway.database.username=" + db.username(),
                        "--gateway.database.password=" + db.password(),
                        "--gateway.auth.admin-token=" + admin,
                        "--spring.lifecycle.timeout-per-shutdown-phase=" + GRACE.toSeconds() + "s",
                        "--gateway.deployments.paced.type=mock",
                        "--gateway.deployments.paced.mock.chunk-delay=100ms",
                        "--gateway.models[0].id=paced",
                        "--gateway.models[0].deployment=paced"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitHealthy(base, gateway, log);
            var admins = WebTestClient.bindToServer()
                    .baseUrl(base)
                    .defaultHeader("Authorization", "Bearer " + admin)
                    .build();
            admins.post()
                    .uri("/admin/v1/projects")
                    .header("Content-Type", "application/json")
                    .bodyValue("{\"id\":\"g\",\"name\":\"g\"}")
                    .exchange()
                    .expectStatus()
                    .isCreated();
            byte[] issued = admins.post()
                    .uri("/admin/v1/projects/g/keys")
                    .header("Content-Type", "application/json")
                    .bodyValue("{\"name\":\"k\"}")
                    .exchange()
                    .expectBody(byte[].class)
                    .returnResult()
                    .getResponseBody();
            String key = TestJson.mapper().readTree(issued).path("key").stringValue();

            CountDownLatch bothStarted = new CountDownLatch(2);
            // about 10 tokens at 100 ms: done within the grace period
            Mono<String> shortStream = stream(base, key, "one two three four five six seven eight", bothStarted);
            // about 80 tokens at 100 ms: still running when the grace period is over
            Mono<String> longStream = stream(base, key, "word ".repeat(80), bothStarted);
            var shortResult = shortStream.toFuture();
            var longResult = longStream.toFuture();
            assertThat(FakeUpstream.await(bothStarted, Duration.ofSeconds(10))).isTrue();

            long terminatedAt = System.nanoTime();
            gateway.destroy(); // SIGTERM

            String shortBody = shortResult.get(15, TimeUnit.SECONDS);
            String longBody = longResult.get(15, TimeUnit.SECONDS);
            assertThat(gateway.waitFor(20, TimeUnit.SECONDS))
                    .as("the process exits")
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - terminatedAt)).isLessThan(GRACE.plusSeconds(8));

            assertThat(shortBody)
                    .as("finished within the grace period")
                    .endsWith("data: [DONE]\n\n")
                    .contains("\"finish_reason\":\"stop\"");
            assertThat(longBody)
                    .as("cut by the shutdown, with an error event")
                    .contains("server_shutting_down")
                    .doesNotContain("[DONE]");

            // the usage ledger was flushed before exit: both streams are billed, the cut one for what it received
            List<Map<String, Object>> records =
                    db.query("SELECT status, prompt_tokens, completion_tokens, token_source FROM usage_records"
                            + " WHERE project_id = 'g' ORDER BY completion_tokens");
            assertThat(records).hasSize(2);
            assertThat(records.get(0))
                    .containsEntry("status", "ok")
                    .containsEntry("token_source", "upstream")
                    .containsEntry("completion_tokens", TokenCounter.cl100k().count(delivered(shortBody)));
            assertThat(records.get(1))
                    .containsEntry("status", "cancelled")
                    .containsEntry("token_source", "tokenizer")
                    .containsEntry("completion_tokens", TokenCounter.cl100k().count(delivered(longBody)));
            assertThat((Integer) records.get(1).get("prompt_tokens")).isPositive();
        } finally {
            gateway.destroyForcibly();
        }
    }

    /** The content the client received in a stream's chunks. */
    private static String delivered(String body) {
        StringBuilder text = new StringBuilder();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: {")) {
                TestJson.mapper()
                        .readTree(event.substring(6))
                        .path("choices")
                        .forEach(choice ->
                                text.append(choice.path("delta").path("content").asString("")));
            }
        }
        return text.toString();
    }

    private static Mono<String> stream(String base, String key, String text, CountDownLatch started) {
        String body =
                "{\"model\":\"paced\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        List<String> parts = new ArrayList<>();
        return HttpClient.create()
                .headers(h -> h.add("Content-Type", "application/json")
                        .add("Authorization", "Bearer " + key)
                        .add("X-User-Id", "shutdown-test"))
                .post()
                .uri(base + "/v1/chat/completions")
                .send(ByteBufMono.fromString(Mono.just(body)))
                .responseContent()
                .asString()
                .doOnNext(part -> {
                    if (parts.isEmpty()) {
                        started.countDown();
                    }
                    parts.add(part);
                })
                .then(Mono.fromSupplier(() -> String.join("", parts)))
                .onErrorResume(error -> Mono.just(String.join("", parts) + "\n<connection error: " + error + ">"));
    }

    private static void awaitHealthy(String base, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new AssertionError("the gateway exited: " + Files.readString(log));
            }
            Integer status = HttpClient.create()
                    .get()
                    .uri(base + "/actuator/health/readiness")
                    .responseSingle(
                            (response, body) -> Mono.just(response.status().code()))
                    .onErrorResume(error -> Mono.just(0))
                    .block(Duration.ofSeconds(5));
            if (status != null && status == 200) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("the gateway did not become ready: " + Files.readString(log));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
