package io.llmgateway.app.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.testsupport.FakeEmbeddings;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/**
 * Retrieval with an upstream embedding model ({@code gateway.retrieval.embedding-model} naming a NIM embedding
 * model) instead of the in-process one: ingestion embeds passages and searches embed queries through the model's
 * route (NVIDIA's {@code input_type} says which), search finds the right file by those vectors, and the tokens of
 * both are in the usage ledger. An embedding outage fails the file with a clear error, never a stuck
 * {@code in_progress}.
 */
class UpstreamEmbeddingRetrievalIT {

    private static final String EMBEDDING_UPSTREAM = "nvidia/nv-embedqa-e5-v5";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static RetrievalApi api;
    private static volatile boolean embeddingsDown;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.fallback(request -> {
            if (request.path().endsWith("/embeddings")) {
                return embeddingsDown
                        ? Reply.json(503, "{\"error\":{\"message\":\"overloaded\"}}")
                        : FakeEmbeddings.reply(request);
            }
            return Reply.json(200, OpenAiFixtures.completion("chat-up", "Vegetarian lunch is on Fridays.", 40, 6));
        });
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.nv.type", "nim"),
                Map.entry("gateway.deployments.nv.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.nv.api-key", "nvapi-test"),
                Map.entry("gateway.deployments.nv.upstream-model", EMBEDDING_UPSTREAM),
                Map.entry("gateway.deployments.chat.type", "openai"),
                Map.entry("gateway.deployments.chat.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.chat.upstream-model", "chat-up"),
                Map.entry("gateway.models[0].id", "nv-embedqa"),
                Map.entry("gateway.models[0].type", "embedding"),
                Map.entry("gateway.models[0].deployment", "nv"),
                Map.entry("gateway.models[0].price.input-per-million", "0.01"),
                Map.entry("gateway.models[1].id", "gpt-rag"),
                Map.entry("gateway.models[1].deployment", "chat"),
                Map.entry("gateway.retrieval.embedding-model", "nv-embedqa"),
                Map.entry("gateway.resilience.max-attempts", "1")));
        gateway.admin().project("up", null);
        api = new RetrievalApi(
                gateway.client(gateway.admin().serviceKey("up").path("key").stringValue())
                        .mutate()
                        .defaultHeader("X-User-Id", "uma")
                        .build());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void ingestionAndSearchEmbedThroughTheUpstreamModelAndTheLedgerHasTheirTokens() {
        String handbook = api.upload("handbook.txt", TestDocuments.text(TestDocuments.HANDBOOK));
        String cafeteria = api.upload("cafeteria.txt", TestDocuments.text(TestDocuments.CAFETERIA));
        String store = api.store("kb", List.of(handbook, cafeteria));
        assertThat(api.awaitIngested(store, handbook).path("status").stringValue())
                .isEqualTo("completed");
        assertThat(api.awaitIngested(store, cafeteria).path("status").stringValue())
                .isEqualTo("completed");

        List<FakeUpstream.RecordedRequest> passages = upstream.requests().stream()
                .filter(request -> request.path().endsWith("/embeddings"))
                .toList();
        assertThat(passages).isNotEmpty();
        for (FakeUpstream.RecordedRequest request : passages) {
            JsonNode body = TestJson.mapper().readTree(request.body());
            assertThat(body.path("model").stringValue()).isEqualTo(EMBEDDING_UPSTREAM);
            assertThat(body.path("input_type").stringValue()).isEqualTo("passage");
            assertThat(request.header("Authorization")).isEqualTo("Bearer nvapi-test");
        }
        assertThat(passages.stream().flatMap(request -> FakeEmbeddings.inputs(request).stream()))
                .anyMatch(text -> text.contains("vegetarian"));

        // the search embeds its query upstream too, and the right file comes first
        EntityExchangeResult<byte[]> searched = api.post(
                        "/v1/vector_stores/" + store + "/search",
                        Map.of("query", "When is vegetarian lunch served?", "max_num_results", 2))
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult();
        JsonNode page = TestJson.mapper().readTree(searched.getResponseBody());
        assertThat(page.path("data").get(0).path("file_id").stringValue()).isEqualTo(cafeteria);
        JsonNode query = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(query.path("input_type").stringValue()).isEqualTo("query");
        assertThat(FakeEmbeddings.inputs(upstream.lastRequest())).containsExactly("When is vegetarian lunch served?");

        Ledger ledger = new Ledger(gateway.database());
        Map<String, Object> search = ledger.record(searched.getResponseHeaders().getFirst("x-request-id"));
        assertThat(search)
                .containsEntry("model", "nv-embedqa")
                .containsEntry("deployment", "nv")
                .containsEntry("user_id", "uma")
                .containsEntry("project_id", "up")
                .containsEntry("prompt_tokens", 5)
                .containsEntry("token_source", "upstream")
                .containsEntry("status", "ok");
        ledger.awaitCount(
                "SELECT count(*) FROM usage_records WHERE key_id = 'ingestion' AND project_id = 'up'",
                2,
                Duration.ofSeconds(10));
        List<Map<String, Object>> ingestion = ledger.query("SELECT model, sum(prompt_tokens) AS tokens,"
                + " count(*) AS n FROM usage_records WHERE key_id = 'ingestion' AND project_id = 'up'"
                + " GROUP BY model");
        assertThat(ingestion).hasSize(1);
        assertThat(ingestion.get(0)).containsEntry("model", "nv-embedqa").containsEntry("n", 2L);
        assertThat(((Number) ingestion.get(0).get("tokens")).longValue()).isPositive();

        // rag_params: the chat request's query embedding is recorded under the request id + "_embedding"
        EntityExchangeResult<byte[]> chat = api.client()
                .post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "model",
                        "gpt-rag",
                        "messages",
                        List.of(Map.of("role", "user", "content", "When is vegetarian lunch served?")),
                        "rag_params",
                        Map.of("vector_store_ids", List.of(store), "max_num_results", 1)))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult();
        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.path("messages").get(0).path("content").stringValue()).contains("cafeteria.txt");
        String chatId = chat.getResponseHeaders().getFirst("x-request-id");
        assertThat(ledger.record(chatId + "_embedding"))
                .containsEntry("model", "nv-embedqa")
                .containsEntry("prompt_tokens", 5);
        assertThat(ledger.record(chatId)).containsEntry("model", "gpt-rag").containsEntry("retrieval", true);
    }

    @Test
    void anEmbeddingOutageFailsTheFileWithAClearErrorAndTheNextAttachmentWorks() {
        String file = api.upload("outage.txt", TestDocuments.text(TestDocuments.CAFETERIA));
        embeddingsDown = true;
        String store;
        try {
            store = api.store("outage", List.of(file));
            JsonNode failed = api.awaitIngested(store, file);
            assertThat(failed.path("status").stringValue()).isEqualTo("failed");
            assertThat(failed.path("last_error").path("code").stringValue()).isEqualTo("server_error");
        } finally {
            embeddingsDown = false;
        }
        String again = api.store("after the outage", List.of(file));
        assertThat(api.awaitIngested(again, file).path("status").stringValue()).isEqualTo("completed");
    }
}
