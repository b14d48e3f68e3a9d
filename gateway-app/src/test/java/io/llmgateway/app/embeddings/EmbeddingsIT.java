package io.llmgateway.app.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.testsupport.FakeEmbeddings;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.TestJson;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings} over real HTTP for a configured upstream embedding model and the in-process one:
 * OpenAI's shape, the request the upstream gets, the usage record, the official SDK, a project's
 * {@code allowed_models}, the model's type, limits and budgets, and an upstream failure.
 */
class EmbeddingsIT {

    private static final String UPSTREAM_MODEL = "text-embedding-3-small-2024";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static WebTestClient client;
    private static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.oa-embed.type", "openai"),
                Map.entry("gateway.deployments.oa-embed.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.oa-embed.api-key", "sk-upstream"),
                Map.entry("gateway.deployments.oa-embed.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.models[0].id", "text-embedding-3-small"),
                Map.entry("gateway.models[0].type", "embedding"),
                Map.entry("gateway.models[0].deployment", "oa-embed"),
                Map.entry("gateway.models[0].price.input-per-million", "0.02"),
                Map.entry("gateway.models[1].id", "mock-echo"),
                Map.entry("gateway.models[1].deployment", "mock")));
        gateway.admin().project("emb", null);
        key = gateway.admin().serviceKey("emb").path("key").stringValue();
        client = gateway.client(key).mutate().defaultHeader("X-User-Id", "erin").build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void answerEmbeddings() {
        upstream.reset();
        upstream.fallback(FakeEmbeddings::reply);
    }

    private static WebTestClient.ResponseSpec embed(WebTestClient on, Map<String, Object> body) {
        return on.post()
                .uri("/v1/embeddings")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static JsonNode json(EntityExchangeResult<byte[]> result) {
        return TestJson.mapper().readTree(result.getResponseBody());
    }

    @Test
    void anUpstreamModelAnswersInOpenAisShapeWithItsUsageInTheLedger() {
        EntityExchangeResult<byte[]> result = embed(
                        client,
                        Map.of(
                                "model",
                                "text-embedding-3-small",
                                "input",
                                List.of("lost laptop", "the cafeteria menu today"),
                                "dimensions",
                                64,
                                "user",
                                "end-user-7",
                                "truncate",
                                "END"))
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult();

        FakeUpstream.RecordedRequest sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/embeddings");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-upstream");
        JsonNode body = TestJson.mapper().readTree(sent.body());
        assertThat(body.path("model").stringValue()).isEqualTo(UPSTREAM_MODEL);
        assertThat(FakeEmbeddings.inputs(sent)).containsExactly("lost laptop", "the cafeteria menu today");
        assertThat(body.path("dimensions").intValue()).isEqualTo(64);
        assertThat(body.path("user").stringValue()).isEqualTo("end-user-7");
        assertThat(body.path("truncate").stringValue()).isEqualTo("END"); // unknown fields pass on
        assertThat(body.path("encoding_format").stringValue()).isEqualTo("float");

        JsonNode answer = json(result);
        assertThat(answer.path("object").stringValue()).isEqualTo("list");
        assertThat(answer.path("model").stringValue()).isEqualTo("text-embedding-3-small");
        assertThat(answer.path("data")).hasSize(2);
        float[] expected = FakeEmbeddings.vector("the cafeteria menu today");
        JsonNode second = answer.path("data").get(1);
        assertThat(second.path("index").intValue()).isEqualTo(1);
        for (int i = 0; i < expected.length; i++) {
            assertThat(second.path("embedding").get(i).floatValue()).isEqualTo(expected[i]);
        }
        assertThat(answer.path("usage").path("prompt_tokens").intValue()).isEqualTo(6);
        assertThat(answer.path("usage").path("total_tokens").intValue()).isEqualTo(6);

        String requestId = result.getResponseHeaders().getFirst("x-request-id");
        Map<String, Object> record = new Ledger(gateway.database()).record(requestId);
        assertThat(record)
                .containsEntry("model", "text-embedding-3-small")
                .containsEntry("deployment", "oa-embed")
                .containsEntry("project_id", "emb")
                .containsEntry("user_id", "erin")
                .containsEntry("prompt_tokens", 6)
                .containsEntry("completion_tokens", 0)
                .containsEntry("token_source", "upstream")
                .containsEntry("status", "ok")
                .containsEntry("client_user", "end-user-7")
                .containsEntry("streamed", false);
        assertThat((BigDecimal) record.get("cost_usd")).isEqualByComparingTo("0.00000012"); // 6 x $0.02 / 1M

        // base64: the same floats, little-endian
        JsonNode encoded = json(embed(
                        client,
                        Map.of(
                                "model",
                                "text-embedding-3-small",
                                "input",
                                "the cafeteria menu today",
                                "encoding_format",
                                "base64"))
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(encoded.path("data").get(0).path("embedding").stringValue()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(expected.length * 4);
        for (float value : expected) {
            assertThat(bytes.getFloat()).isEqualTo(value);
        }
    }

    @Test
    void aBadBodyIsA400NamingTheFieldAtFault() {
        String[][] cases = {
            {"{}", "model", "Missing required parameter: 'model'."},
            {
                "{\"model\":\"text-embedding-3-small\",\"input\":[]}",
                "input",
                "'input' must be a string or a list of 1 to 2048 strings."
            },
            {
                "{\"model\":\"text-embedding-3-small\",\"input\":[1]}",
                "input",
                "'input' must be a string or a list of strings; token arrays are not supported."
            },
            {"{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\" \"]}", "input[1]", "'input' must not be empty."
            },
            {
                "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"dimensions\":0}",
                "dimensions",
                "'dimensions' must be a positive integer."
            },
            {"{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"user\":5}", "user", "'user' must be a string."},
            {
                "{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"encoding_format\":\"int8\"}",
                "encoding_format",
                "'encoding_format' must be 'float' or 'base64'."
            },
            {"null", null, "The request body must be a JSON object."},
            {"[\"a\"]", null, "The request body must be a JSON object."},
            {"", null, "The request body must be a JSON object."}
        };
        for (String[] bad : cases) {
            JsonNode error = json(client.post()
                            .uri("/v1/embeddings")
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(bad[0])
                            .exchange()
                            .expectStatus()
                            .isBadRequest()
                            .expectBody(byte[].class)
                            .returnResult())
                    .path("error");
            assertThat(error.path("message").stringValue()).as(bad[0]).isEqualTo(bad[2]);
            assertThat(error.path("param").isString() ? error.path("param").stringValue() : null)
                    .as(bad[0])
                    .isEqualTo(bad[1]);
        }
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void theOfficialSdkEmbedsThroughTheGateway() {
        OpenAIClient openai = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(key)
                .putHeader("X-User-Id", "sdk-user")
                .maxRetries(0)
                .build();
        try {
            CreateEmbeddingResponse response = openai.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model("text-embedding-3-small")
                            .input("hello embeddings world")
                            .build());
            assertThat(response.data()).hasSize(1);
            assertThat(response.data().get(0).embedding()).hasSize(FakeEmbeddings.DIMENSIONS);
            assertThat(response.model()).isEqualTo("text-embedding-3-small");
            assertThat(response.usage().promptTokens()).isEqualTo(3);

            CreateEmbeddingResponse local = openai.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model("all-minilm-l6-v2")
                            .input("hello embeddings world")
                            .build());
            assertThat(local.data().get(0).embedding()).hasSize(384);
        } finally {
            openai.close();
        }
    }

    @Test
    void allowedModelsAndTheModelsTypeDecideWhoMayCallWhat() {
        // the in-process model is a model like the others: listed, and nameable in allowed_models
        gateway.admin()
                .post(
                        "/admin/v1/projects",
                        Map.of("id", "narrow", "name", "Narrow", "allowed_models", List.of("all-minilm-l6-v2")),
                        201);
        WebTestClient narrow = gateway.client(
                        gateway.admin().serviceKey("narrow").path("key").stringValue())
                .mutate()
                .defaultHeader("X-User-Id", "nora")
                .build();
        JsonNode models = json(narrow.get()
                .uri("/v1/models")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult());
        assertThat(models.path("data").findValuesAsString("id")).containsExactly("all-minilm-l6-v2");
        JsonNode all = json(client.get()
                .uri("/v1/models")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult());
        assertThat(all.path("data").findValuesAsString("id"))
                .containsExactly("text-embedding-3-small", "mock-echo", "all-minilm-l6-v2");

        embed(narrow, Map.of("model", "all-minilm-l6-v2", "input", "allowed"))
                .expectStatus()
                .isOk();
        embed(narrow, Map.of("model", "text-embedding-3-small", "input", "not allowed"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_allowed");

        // an embedding model does not chat, and a chat model does not embed
        client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "model",
                        "text-embedding-3-small",
                        "messages",
                        List.of(Map.of("role", "user", "content", "hi"))))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_supported")
                .jsonPath("$.error.param")
                .isEqualTo("model");
        embed(client, Map.of("model", "mock-echo", "input", "hi"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_supported");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void rateLimitsAndBudgetsHoldForEmbeddings() {
        gateway.admin().project("emb-rpm", null);
        gateway.admin().put("/admin/v1/projects/emb-rpm/limits", Map.of("requests_per_minute", 2), 200);
        WebTestClient limited = gateway.client(
                        gateway.admin().serviceKey("emb-rpm").path("key").stringValue())
                .mutate()
                .defaultHeader("X-User-Id", "rita")
                .build();
        for (int i = 0; i < 2; i++) {
            embed(limited, Map.of("model", "text-embedding-3-small", "input", "one more"))
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .valueEquals("x-ratelimit-limit-requests", "2");
        }
        EntityExchangeResult<byte[]> refused = embed(
                        limited, Map.of("model", "text-embedding-3-small", "input", "one too many"))
                .expectStatus()
                .isEqualTo(429)
                .expectBody(byte[].class)
                .returnResult();
        assertThat(json(refused).path("error").path("code").stringValue()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.getResponseHeaders().getFirst("Retry-After")).isNotNull();
        assertThat(refused.getResponseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("0");
        Map<String, Object> rejected = new Ledger(gateway.database())
                .record(refused.getResponseHeaders().getFirst("x-request-id"));
        assertThat(rejected)
                .containsEntry("status", "rejected")
                .containsEntry("error_code", "rate_limit_exceeded")
                .containsEntry("prompt_tokens", 0);

        // a token budget of 5: the first 3-word request fits, the second (3 more) does not
        gateway.admin().project("emb-budget", null);
        gateway.admin()
                .put(
                        "/admin/v1/projects/emb-budget/limits",
                        Map.of("token_budget", Map.of("limit", 5, "period", "day")),
                        200);
        WebTestClient budgeted = gateway.client(
                        gateway.admin().serviceKey("emb-budget").path("key").stringValue())
                .mutate()
                .defaultHeader("X-User-Id", "bud")
                .build();
        embed(budgeted, Map.of("model", "text-embedding-3-small", "input", "alpha beta gamma"))
                .expectStatus()
                .isOk();
        embed(budgeted, Map.of("model", "text-embedding-3-small", "input", "delta epsilon zeta"))
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("insufficient_quota");
    }

    @Test
    void anUpstreamFailureIsAnOpenAiErrorWithARecord() {
        upstream.enqueue(Reply.json(
                400,
                "{\"error\":{\"message\":\"input too long\",\"type\":"
                        + "\"invalid_request_error\",\"param\":\"input\",\"code\":null}}"));
        EntityExchangeResult<byte[]> failed = embed(client, Map.of("model", "text-embedding-3-small", "input", "x"))
                .expectStatus()
                .isBadRequest()
                .expectBody(byte[].class)
                .returnResult();
        JsonNode error = json(failed).path("error");
        assertThat(error.path("message").stringValue()).contains("input too long");
        assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(new Ledger(gateway.database())
                        .record(failed.getResponseHeaders().getFirst("x-request-id")))
                .containsEntry("status", "upstream_error")
                .containsEntry("deployment", "oa-embed");

        embed(client, Map.of("model", "text-embedding-3-small", "input", 42))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("input");
        embed(client, Map.of("model", "all-minilm-l6-v2", "input", "x", "dimensions", 64))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("dimensions");
    }
}
