package io.llmgateway.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.testsupport.TestJson;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/**
 * The packaged gateway as its own process with its default, EMBEDDED database (in a temporary data directory):
 * a SIGTERM with streams in flight loses no usage record and no last-used time, because the database stops after
 * the gateway has written them; a gateway killed with {@code kill -9} starts again on the first try, with its data.
 */
class EmbeddedDatabaseLifecycleIT {

    private static final int STREAMS = 10;
    private static final Duration GRACE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private final String admin = new ApiKeyFormat().issue(KeyKind.ADMIN).token();
    private final List<Process> gateways = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (Process gateway : gateways) {
            gateway.destroyForcibly();
            gateway.waitFor(30, TimeUnit.SECONDS);
        }
        // a PostgreSQL left running by a failed test: only the one of this test's data directory, by its pid
        Path pidFile = dataDir().resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).strip()))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private Path dataDir() {
        return temp.resolve("pg");
    }

    @Test
    void sigtermWritesEveryStreamsUsageAndTheKeysLastUseBeforeTheDatabaseStops() throws Exception {
        Gateway first = start("first");
        String key = first.serviceKey("g");

        CountDownLatch started = new CountDownLatch(STREAMS);
        List<CompletableFuture<String>> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            // about 25 tokens at 100 ms: each stream is still running at the SIGTERM and ends within the grace
            streams.add(stream(first.base, key, "stream " + i + " " + "word ".repeat(24), started)
                    .toFuture());
        }
        assertThat(started.await(60, TimeUnit.SECONDS))
                .as("every stream started")
                .isTrue();

        first.process.destroy(); // SIGTERM
        for (CompletableFuture<String> stream : streams) {
            assertThat(stream.get(60, TimeUnit.SECONDS))
                    .as("finished within the grace period")
                    .endsWith("data: [DONE]\n\n");
        }
        assertThat(first.process.waitFor(60, TimeUnit.SECONDS))
                .as("the gateway exits")
                .isTrue();
        assertThat(dataDir().resolve("postmaster.pid"))
                .as("and stopped its database")
                .doesNotExist();

        Gateway second = start("second");
        JsonNode usage = second.get("/admin/v1/usage?project_id=g&group_by=project&from="
                + LocalDate.now(ZoneOffset.UTC).minusDays(1) + "&to="
                + LocalDate.now(ZoneOffset.UTC).plusDays(2));
        long requests = 0;
        for (JsonNode row : usage.path("data")) {
            requests += row.path("requests").asLong();
        }
        assertThat(requests).as("every stream's usage record: %s", usage).isEqualTo(STREAMS);
        JsonNode keys = second.get("/admin/v1/projects/g/keys");
        assertThat(keys.path("data").get(0).path("last_used_at").isNumber())
                .as("the key's last use, written at shutdown (the periodic write is 1h away): %s", keys)
                .isTrue();

        // the same, straight from the database, with the password the gateway keeps in the data directory
        String password =
                Files.readString(dataDir().resolve("llm-gateway.password")).strip();
        int port = Integer.parseInt(
                Files.readAllLines(dataDir().resolve("postmaster.pid")).get(3).strip());
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "SELECT count(*) FROM usage_records WHERE project_id = 'g'" + " AND status = 'ok'")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(STREAMS);
        }
        assertThat(second.metrics()).contains("gateway_database_embedded_up 1.0");

        second.stop();
    }

    @Test
    void afterKill9TheGatewayStartsAgainOnTheFirstTryWithItsData() throws Exception {
        Gateway first = start("first");
        first.admin()
                .post()
                .uri("/admin/v1/projects")
                .header("Content-Type", "application/json")
                .bodyValue("{\"id\":\"kept\",\"name\":\"kept\"}")
                .exchange()
                .expectStatus()
                .isCreated();
        long postmaster = Long.parseLong(
                Files.readAllLines(dataDir().resolve("postmaster.pid")).get(0).strip());

        first.process.destroyForcibly(); // kill -9
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
                .as("its PostgreSQL is orphaned")
                .contains(true);

        Gateway second = start("second");
        second.admin()
                .get()
                .uri("/admin/v1/projects/kept")
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .as("the orphan was stopped")
                .isFalse();
        second.stop();
        assertThat(dataDir().resolve("postmaster.pid")).doesNotExist();
    }

    /** One run of the packaged jar on this test's data directory, with a paced mock model. */
    private final class Gateway {

        final Process process;
        final String base;
        final Path log;

        Gateway(Process process, String base, Path log) {
            this.process = process;
            this.base = base;
            this.log = log;
        }

        WebTestClient admin() {
            return WebTestClient.bindToServer()
                    .baseUrl(base)
                    .responseTimeout(Duration.ofSeconds(30))
                    .defaultHeader("Authorization", "Bearer " + admin)
                    .build();
        }

        String serviceKey(String project) {
            admin().post()
                    .uri("/admin/v1/projects")
                    .header("Content-Type", "application/json")
                    .bodyValue("{\"id\":\"" + project + "\",\"name\":\"" + project + "\"}")
                    .exchange()
                    .expectStatus()
                    .isCreated();
            byte[] issued = admin().post()
                    .uri("/admin/v1/projects/" + project + "/keys")
                    .header("Content-Type", "application/json")
                    .bodyValue("{\"name\":\"k\"}")
                    .exchange()
                    .expectStatus()
                    .isCreated()
                    .expectBody(byte[].class)
                    .returnResult()
                    .getResponseBody();
            return TestJson.mapper().readTree(issued).path("key").stringValue();
        }

        JsonNode get(String path) {
            return TestJson.mapper()
                    .readTree(admin().get()
                            .uri(path)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(byte[].class)
                            .returnResult()
                            .getResponseBody());
        }

        String metrics() {
            return HttpClient.create()
                    .headers(h -> h.add("Authorization", "Bearer " + admin))
                    .get()
                    .uri(base + "/actuator/prometheus")
                    .responseContent()
                    .aggregate()
                    .asString()
                    .block(Duration.ofSeconds(30));
        }

        void stop() throws Exception {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("the gateway exits: %s", Files.readString(log))
                    .isTrue();
        }
    }

    private Gateway start(String name) throws Exception {
        Path jar = Path.of("target/llm-gateway.jar");
        assertThat(jar)
                .as("the packaged gateway (built before integration tests)")
                .exists();
        int port = freePort();
        Path log = temp.resolve(name + ".log");
        Process process = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--gateway.database.embedded.data-dir=" + dataDir(),
                        "--gateway.auth.admin-token=" + admin,
                        "--gateway.auth.last-used-flush-interval=1h",
                        "--spring.lifecycle.timeout-per-shutdown-phase=" + GRACE.toSeconds() + "s",
                        "--gateway.deployments.paced.type=mock",
                        "--gateway.deployments.paced.mock.chunk-delay=100ms",
                        "--gateway.models[0].id=paced",
                        "--gateway.models[0].deployment=paced"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        gateways.add(process);
        Gateway gateway = new Gateway(process, "http://127.0.0.1:" + port, log);
        awaitReady(gateway);
        return gateway;
    }

    private static Mono<String> stream(String base, String key, String text, CountDownLatch started) {
        String body =
                "{\"model\":\"paced\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        List<String> parts = new ArrayList<>();
        return HttpClient.create()
                .headers(h -> h.add("Content-Type", "application/json")
                        .add("Authorization", "Bearer " + key)
                        .add("X-User-Id", "lifecycle-test"))
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

    /** Ready on the first try: a gateway that exits while starting fails the test. */
    private static void awaitReady(Gateway gateway) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.process.isAlive()) {
                throw new AssertionError("the gateway exited: " + Files.readString(gateway.log));
            }
            Integer status = HttpClient.create()
                    .get()
                    .uri(gateway.base + "/actuator/health/readiness")
                    .responseSingle(
                            (response, body) -> Mono.just(response.status().code()))
                    .onErrorResume(error -> Mono.just(0))
                    .block(Duration.ofSeconds(5));
            if (status != null && status == 200) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("the gateway did not become ready: " + Files.readString(gateway.log));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
