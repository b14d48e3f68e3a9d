package io.llmgateway.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * A gateway on its embedded database, whose postmaster is killed with {@code kill -9} while the gateway runs: the
 * gateway restarts it on the same port, and its connection pool and {@code LISTEN} connection find it again, so
 * requests that need the database work again within seconds.
 */
class EmbeddedDatabaseWatchdogIT {

    private static final String CHAT = "{\"model\":\"mock-echo\",\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"after the restart\"}]}";

    @TempDir
    Path temp;

    @Test
    void aKilledPostmasterIsRestartedAndRequestsThatNeedTheDatabaseWorkAgain() throws Exception {
        Path dataDir = temp.resolve("pg");
        try (GatewayInstance gateway = GatewayInstance.start(
                Map.of("gateway.database.url", "", "gateway.database.embedded.data-dir", dataDir.toString()))) {
            gateway.admin().project("before", null);
            long postmaster = Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());

            ProcessHandle.of(postmaster).orElseThrow().destroyForcibly(); // kill -9

            // a new project and key (writes), then a call with that key (identity look-up and a usage record)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int status = 0;
            while (status != 201 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(500);
                status = gateway.admin()
                        .client()
                        .post()
                        .uri("/admin/v1/projects")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("id", "after", "name", "after"))
                        .exchange()
                        .returnResult(byte[].class)
                        .getStatus()
                        .value();
            }
            assertThat(status)
                    .as("a write works again after the postmaster was killed")
                    .isEqualTo(201);
            String key = gateway.admin().serviceKey("after").path("key").stringValue();
            EntityExchangeResult<byte[]> answer = gateway.client(key)
                    .post()
                    .uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .header("X-User-Id", "watchdog")
                    .bodyValue(CHAT)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(byte[].class)
                    .returnResult();
            assertThat(answer.getResponseBody()).isNotEmpty();

            long recorded = 0;
            while (recorded == 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
                recorded = gateway.admin()
                        .get("/admin/v1/usage?project_id=after&group_by=project")
                        .path("data")
                        .path(0)
                        .path("requests")
                        .asLong();
            }
            assertThat(recorded).as("the call's usage record").isEqualTo(1);

            String metrics = metrics(gateway);
            assertThat(metrics)
                    .contains("gateway_database_embedded_up 1.0")
                    .contains("gateway_database_embedded_restarts_total 1.0");
            assertThat(Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"))
                            .get(0)
                            .strip()))
                    .isNotEqualTo(postmaster);
        }
        assertThat(dataDir.resolve("postmaster.pid"))
                .as("stopped with the gateway")
                .doesNotExist();
    }

    private static String metrics(GatewayInstance gateway) {
        return new String(
                gateway.client(gateway.adminToken())
                        .get()
                        .uri("/actuator/prometheus")
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(byte[].class)
                        .returnResult()
                        .getResponseBody(),
                StandardCharsets.UTF_8);
    }
}
