package io.llmgateway.app.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.pipeline.ChatAugmentation;
import io.llmgateway.rag.index.Retriever;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * A gateway with {@code gateway.retrieval.enabled=false}, over real HTTP: the Files and Vector Stores API are
 * unknown paths, {@code rag_params} is a 400 naming it, the in-process embedding model is neither listed nor
 * served, and chat completions work as ever.
 */
class RetrievalOffIT {

    private static GatewayInstance gateway;
    private static RetrievalApi api;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(Map.of(
                "gateway.retrieval.enabled", "false",
                "gateway.models[0].id", "mock-echo",
                "gateway.models[0].deployment", "mock"));
        gateway.admin().project("no-rag", null);
        api = new RetrievalApi(
                gateway.client(gateway.admin().serviceKey("no-rag").path("key").stringValue())
                        .mutate()
                        .defaultHeader("X-User-Id", "carol")
                        .build());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void theFilesAndVectorStoresEndpointsAreUnknownPaths() {
        List<WebTestClient.ResponseSpec> answers = new ArrayList<>();
        answers.add(api.upload("notes.txt", "hello".getBytes(StandardCharsets.UTF_8), "assistants"));
        answers.add(api.get("/v1/files"));
        answers.add(api.get("/v1/files/file-abc"));
        answers.add(api.get("/v1/files/file-abc/content"));
        answers.add(api.client().delete().uri("/v1/files/file-abc").exchange());
        answers.add(api.post("/v1/vector_stores", Map.of("name", "x")));
        answers.add(api.get("/v1/vector_stores"));
        answers.add(api.get("/v1/vector_stores/vs_abc"));
        answers.add(api.post("/v1/vector_stores/vs_abc/files", Map.of("file_id", "file-abc")));
        answers.add(api.post("/v1/vector_stores/vs_abc/search", Map.of("query", "q")));
        for (WebTestClient.ResponseSpec answer : answers) {
            JsonNode error =
                    RetrievalApi.json(answer.expectStatus().isNotFound()).path("error");
            assertThat(error.path("code").stringValue()).isEqualTo("unknown_url");
            assertThat(error.path("message").isString()).isTrue();
        }
    }

    @Test
    void ragParamsIsA400ThatSaysRetrievalIsOff() {
        JsonNode error = RetrievalApi.json(api.post(
                                "/v1/chat/completions",
                                Map.of(
                                        "model",
                                        "mock-echo",
                                        "messages",
                                        List.of(Map.of("role", "user", "content", "hi")),
                                        "rag_params",
                                        Map.of("vector_store_ids", List.of("vs_abc"))))
                        .expectStatus()
                        .isBadRequest())
                .path("error");
        assertThat(error.path("param").stringValue()).isEqualTo("rag_params");
        assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").stringValue()).contains("Retrieval is off");
    }

    @Test
    void chatCompletionsStillWork() {
        JsonNode answer = RetrievalApi.json(api.post(
                        "/v1/chat/completions",
                        Map.of("model", "mock-echo", "messages", List.of(Map.of("role", "user", "content", "Echo me"))))
                .expectStatus()
                .isOk());
        assertThat(answer.path("model").stringValue()).isEqualTo("mock-echo");
        assertThat(answer.path("choices")
                        .path(0)
                        .path("message")
                        .path("content")
                        .stringValue())
                .isEqualTo("Echo me");
        // null rag_params asks for nothing, as with retrieval on
        String withNull = """
                {"model":"mock-echo","messages":[{"role":"user","content":"Echo me"}],"rag_params":null}""";
        api.client()
                .post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(withNull)
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void theInProcessEmbeddingModelIsNeitherListedNorServedNorLoaded() {
        JsonNode models = RetrievalApi.json(api.get("/v1/models").expectStatus().isOk());
        List<String> ids = new ArrayList<>();
        models.path("data").forEach(model -> ids.add(model.path("id").stringValue()));
        assertThat(ids).contains("mock-echo").doesNotContain("all-minilm-l6-v2");
        JsonNode error = RetrievalApi.json(
                        api.post("/v1/embeddings", Map.of("model", "all-minilm-l6-v2", "input", "hello"))
                                .expectStatus()
                                .isNotFound())
                .path("error");
        assertThat(error.path("code").stringValue()).isEqualTo("model_not_found");
        // and nothing of retrieval was created
        assertThat(gateway.context().getBeanNamesForType(EmbeddingModel.class)).isEmpty();
        assertThat(gateway.context().getBeanNamesForType(Retriever.class)).isEmpty();
        assertThat(gateway.context().getBeanNamesForType(ChatAugmentation.class))
                .isEmpty();
    }
}
