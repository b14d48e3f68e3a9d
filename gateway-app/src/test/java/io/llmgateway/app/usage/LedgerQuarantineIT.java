package io.llmgateway.app.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * A record that PostgreSQL refuses for its content (here an upstream's {@code finish_reason} with a NUL character,
 * which no {@code text} column can hold) is quarantined, and every other record, before and after it and of other
 * projects, is written: one bad record never stops the ledger.
 */
class LedgerQuarantineIT {

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static Ledger ledger;
    private static String keyA;
    private static String keyB;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.fallback(request -> Reply.json(200, OpenAiFixtures.completion("m", "fine", 5, 1)));
        gateway = GatewayInstance.start(Map.of(
                "gateway.deployments.up.base-url", upstream.baseUrl(),
                "gateway.models[0].id", "up",
                "gateway.models[0].deployment", "up",
                // one round writes everything queued, so the poison shares its batch with good records
                "gateway.usage.ledger.flush-interval", "1s"));
        ledger = new Ledger(gateway.database());
        gateway.admin().project("quarantine-a", null);
        gateway.admin().project("quarantine-b", null);
        keyA = gateway.admin().serviceKey("quarantine-a").path("key").stringValue();
        keyB = gateway.admin().serviceKey("quarantine-b").path("key").stringValue();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aPoisonRecordIsQuarantinedAndEveryOtherRecordIsWritten() {
        // a client's NUL never gets that far: it is refused at the boundary, and leaves no record
        String refused = gateway.client(keyA)
                .post()
                .uri("/v1/chat/completions")
                .header("X-User-Id", "alice")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"up\",\"user\":\"\\u0000\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getFirst("x-request-id");
        assertThat(refused).isNull();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            good.add(call(i % 2 == 0 ? keyA : keyB));
        }
        upstream.enqueue(Reply.json(
                200,
                OpenAiFixtures.completion("m", "fine", 5, 1)
                        .replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"stop\\u0000\"")));
        String poison = call(keyA);
        for (int i = 0; i < 10; i++) {
            good.add(call(i % 2 == 0 ? keyA : keyB));
        }

        for (String id : good) {
            assertThat(ledger.record(id)).containsEntry("status", "ok");
        }
        Map<String, Object> replaced = ledger.record(poison);
        assertThat(replaced)
                .as("its tokens still count")
                .containsEntry("total_tokens", 6)
                .containsEntry("finish_reason", "stop\uFFFD");

        JsonNode page = gateway.admin().get("/admin/v1/usage/quarantine");
        assertThat(page.path("data")).hasSize(1);
        JsonNode entry = page.path("data").get(0);
        assertThat(entry.path("request_id").stringValue()).isEqualTo(poison);
        assertThat(entry.path("project_id").stringValue()).isEqualTo("quarantine-a");
        assertThat(entry.path("sql_state").stringValue()).isEqualTo("22021");
        assertThat(entry.path("recorded").booleanValue()).isTrue();
        assertThat(entry.path("record").path("finish_reason").stringValue()).isEqualTo("stop\\u0000");

        String metrics = gateway.admin()
                .client()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(metrics).contains("gateway_usage_ledger_quarantined_total 1.0");

        // and the ledger goes on writing
        String after = call(keyB);
        assertThat(ledger.record(after)).containsEntry("status", "ok");
        assertThat(gateway.bean(UsageLedger.class).buffered()).isZero();
        assertThat(ledger.query("SELECT request_id FROM usage_records WHERE project_id LIKE 'quarantine-%'"))
                .as("twenty-two answered requests, twenty-two records; the refused one left none")
                .hasSize(22);
    }

    private String call(String key) {
        return gateway.client(key)
                .post()
                .uri("/v1/chat/completions")
                .header("X-User-Id", "alice")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getFirst("x-request-id");
    }
}
