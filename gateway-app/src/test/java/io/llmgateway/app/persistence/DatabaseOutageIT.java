package io.llmgateway.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.RawHttp;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.testsupport.PostgresSupport;
import io.llmgateway.testsupport.TcpProxy;
import io.llmgateway.testsupport.TestJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The database away, frozen (its processes stopped: connections stay open and nothing answers) and then unreachable
 * (every connection dropped and refused), under a low load: what
 * needs the database answers 503 {@code database_unavailable} with Retry-After, quickly; verified keys keep working
 * (from the identity cache) and their usage waits in the ledger's buffer; readiness stays up; and when the database is
 * back, every answered request is in the ledger exactly once, without anyone restarting anything.
 */
class DatabaseOutageIT {

    private static final String CHAT = "{\"model\":\"mock-echo\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}";

    @Test
    void aFrozenThenStoppedDatabaseGets503sWhileVerifiedKeysKeepWorkingAndNothingIsLost() throws Exception {
        PostgresSupport.Database database = PostgresSupport.newDatabase();
        try (TcpProxy proxy = TcpProxy.start(database.host(), database.port())) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("gateway.database.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database.name());
            settings.put("gateway.database.statement-timeout", "1s");
            settings.put("gateway.database.acquire-timeout", "1s");
            settings.put("gateway.auth.cache-ttl", "300ms");
            settings.put("gateway.usage.ledger.write-timeout", "2s");
            settings.put("gateway.models[0].id", "mock-echo");
            settings.put("gateway.models[0].deployment", "mock");
            try (GatewayInstance gateway = GatewayInstance.start(settings, database)) {
                RawHttp http = new RawHttp("127.0.0.1", gateway.port());
                gateway.admin().project("outage", null);
                String key = gateway.admin().serviceKey("outage").path("key").stringValue();
                List<String> answered = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    answered.add(chat(http, key));
                }
                assertThat(get(http, "/admin/v1/projects", gateway.adminToken()).status())
                        .isEqualTo(200);

                try (AutoCloseable frozen = PostgresSupport.freeze()) {
                    answered.addAll(whileAway(http, gateway, key, "frozen"));
                }
                awaitDrained(gateway);

                proxy.cut();
                answered.addAll(whileAway(http, gateway, key, "stopped"));
                proxy.restore();
                awaitDrained(gateway);

                assertThat(get(http, "/admin/v1/projects/outage", gateway.adminToken())
                                .status())
                        .as("the admin API works again by itself")
                        .isEqualTo(200);
                Ledger ledger = new Ledger(gateway.database());
                for (String id : answered) {
                    assertThat(ledger.record(id)).containsEntry("status", "ok");
                }
                assertThat(ledger.query("SELECT count(*) AS n FROM usage_records WHERE project_id = 'outage'")
                                .get(0)
                                .get("n"))
                        .as("each once")
                        .isEqualTo((long) answered.size());
            }
        }
    }

    /** Checks what the gateway answers while the database is away; the ids of the chat completions answered. */
    private static List<String> whileAway(RawHttp http, GatewayInstance gateway, String key, String how) {
        long start = System.nanoTime();
        RawHttp.Response admin = get(http, "/admin/v1/projects/outage", gateway.adminToken());
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("no hanging while " + how)
                .isLessThan(Duration.ofSeconds(8));
        assertThat(admin.status()).as(how + ": " + admin.text()).isEqualTo(503);
        assertThat(admin.headers()).containsKey("retry-after");
        assertThat(error(admin).path("code").stringValue()).isEqualTo("database_unavailable");
        RawHttp.Response usage = get(http, "/v1/usage", key);
        assertThat(usage.status()).as(how + ": " + usage.text()).isEqualTo(503);

        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answered.add(chat(http, key));
        }
        String unknown = new ApiKeyFormat().issue(KeyKind.SERVICE).token();
        RawHttp.Response unverifiable = http.send(
                "POST",
                "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + unknown, "X-User-Id", "u", "Content-Type", "application/json"),
                CHAT.getBytes(StandardCharsets.UTF_8));
        assertThat(unverifiable.status())
                .as("a key never seen cannot be verified now")
                .isEqualTo(503);

        assertThat(get(http, "/actuator/health/readiness", null).status())
                .as("still ready")
                .isEqualTo(200);
        assertThat(get(http, "/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(get(http, "/actuator/health", null).status())
                .as("the database shows as down")
                .isEqualTo(503);
        RawHttp.Response metrics = get(http, "/actuator/prometheus", gateway.adminToken());
        assertThat(metrics.status()).as("the ledger's gauge is readable").isEqualTo(200);
        assertThat(metrics.text()).containsPattern("gateway_usage_ledger_buffered [1-9]");
        assertThat(gateway.bean(UsageLedger.class).buffered()).isPositive();
        return answered;
    }

    private static String chat(RawHttp http, String key) {
        RawHttp.Response response = http.send(
                "POST",
                "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + key, "X-User-Id", "u", "Content-Type", "application/json"),
                CHAT.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.headers().get("x-request-id");
    }

    private static RawHttp.Response get(RawHttp http, String path, String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
            headers.put("X-User-Id", "u");
        }
        return http.send("GET", path, headers, null);
    }

    private static JsonNode error(RawHttp.Response response) {
        return TestJson.mapper().readTree(response.body()).path("error");
    }

    private static void awaitDrained(GatewayInstance gateway) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (gateway.bean(UsageLedger.class).buffered() > 0) {
            assertThat(System.nanoTime())
                    .as("the ledger drains once the database is back")
                    .isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
