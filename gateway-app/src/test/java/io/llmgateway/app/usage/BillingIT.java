package io.llmgateway.app.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Only what reached a model is billed: a request that no upstream took, or that an upstream refused or answered
 * with something that is not a completion, costs nothing; one an upstream worked on until it timed out costs its
 * prompt; one answered costs what the upstream says.
 */
class BillingIT {

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static Ledger ledger;
    private static WebTestClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.up.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up.timeouts.first-byte", "500ms"),
                Map.entry("gateway.deployments.dead.base-url", "http://127.0.0.1:1/v1"),
                Map.entry("gateway.models[0].id", "priced"),
                Map.entry("gateway.models[0].deployment", "up"),
                Map.entry("gateway.models[0].price.input-per-million", "1000"),
                Map.entry("gateway.models[0].price.output-per-million", "1000"),
                Map.entry("gateway.models[1].id", "dead-model"),
                Map.entry("gateway.models[1].deployment", "dead"),
                Map.entry("gateway.models[1].price.input-per-million", "1000"),
                Map.entry("gateway.resilience.max-attempts", "1"),
                Map.entry("resilience4j.circuitbreaker.instances.dead.sliding-window-size", "2"),
                Map.entry("resilience4j.circuitbreaker.instances.dead.minimum-number-of-calls", "2"),
                Map.entry("resilience4j.circuitbreaker.instances.dead.wait-duration-in-open-state", "60s")));
        ledger = new Ledger(gateway.database());
        gateway.admin().project("billing", null);
        client = gateway.client(
                        gateway.admin().serviceKey("billing").path("key").stringValue())
                .mutate()
                .defaultHeader("X-User-Id", "payer")
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static String chat(String model, int expectedStatus) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"what does"
                        + " this cost me?\"}]}")
                .exchange()
                .expectStatus()
                .isEqualTo(expectedStatus)
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getFirst("x-request-id");
    }

    private static void billedNothing(String requestId) {
        assertThat(ledger.record(requestId))
                .containsEntry("prompt_tokens", 0)
                .containsEntry("completion_tokens", 0)
                .containsEntry("token_source", "none")
                .hasEntrySatisfying(
                        "cost_usd", cost -> assertThat((BigDecimal) cost).isZero());
    }

    @Test
    void aRequestNoUpstreamTookCostsNothing() {
        billedNothing(chat("dead-model", 502));
        billedNothing(chat("dead-model", 502));
        // the circuit is open now: no call at all
        String skipped = chat("dead-model", 503);
        billedNothing(skipped);
        assertThat(ledger.record(skipped)).containsEntry("error_code", "no_deployment_available");
    }

    @Test
    void anUpstreamsErrorOrAnAnswerThatIsNotACompletionCostsNothing() {
        upstream.enqueue(Reply.json(400, "{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\"}}"));
        billedNothing(chat("priced", 400));
        upstream.enqueue(Reply.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\"}"));
        String invalid = chat("priced", 502);
        billedNothing(invalid);
        assertThat(ledger.record(invalid)).containsEntry("error_code", "upstream_invalid_response");
    }

    @Test
    void aRequestAnUpstreamWorkedOnUntilItTimedOutCostsItsPrompt() {
        upstream.enqueue(Reply.hang());
        Map<String, Object> record = ledger.record(chat("priced", 504));
        assertThat((Integer) record.get("prompt_tokens")).isPositive();
        assertThat(record).containsEntry("completion_tokens", 0).containsEntry("token_source", "tokenizer");
        assertThat((BigDecimal) record.get("cost_usd")).isPositive();
    }

    @Test
    void anAnswerCostsWhatTheUpstreamSays() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion("up", "it costs", 11, 2)));
        Map<String, Object> record = ledger.record(chat("priced", 200));
        assertThat(record)
                .containsEntry("prompt_tokens", 11)
                .containsEntry("completion_tokens", 2)
                .containsEntry("token_source", "upstream");
        assertThat((BigDecimal) record.get("cost_usd")).isEqualByComparingTo("0.013");
    }
}
