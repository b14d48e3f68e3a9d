package io.llmgateway.provider.openai;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.TestJson;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

/** The OpenAI-compatible embeddings transport against a real fake upstream. */
class OpenAiEmbeddingProviderTests {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final String KEY = "sk-upstream-test-key";
    private static final String MODEL = "text-embedding-3-small";

    private final OpenAiProviderFactory factory =
            new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS);
    private FakeUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    private Deployment deployment(Secret key, Timeouts timeouts) {
        return new Deployment("emb-a", "openai", URI.create(upstream.baseUrl()), key, MODEL, timeouts);
    }

    private EmbeddingProvider provider() {
        return factory.embeddings(deployment(Secret.of(KEY), Timeouts.DEFAULTS));
    }

    private static EmbeddingRequest request(String... texts) {
        return new EmbeddingRequest(MODEL, List.of(texts), null, null, null, Map.of());
    }

    /** An OpenAI embeddings answer with the items in the given order of indexes. */
    static String answer(float[][] vectors, int[] order, Integer promptTokens) {
        StringBuilder body = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < order.length; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"object\":\"embedding\",\"index\":")
                    .append(order[i])
                    .append(",\"embedding\":[");
            float[] vector = vectors[order[i]];
            for (int j = 0; j < vector.length; j++) {
                body.append(j == 0 ? "" : ",").append(vector[j]);
            }
            body.append("]}");
        }
        body.append("],\"model\":\"").append(MODEL).append('"');
        if (promptTokens != null) {
            body.append(",\"usage\":{\"prompt_tokens\":")
                    .append(promptTokens)
                    .append(",\"total_tokens\":")
                    .append(promptTokens)
                    .append('}');
        }
        return body.append('}').toString();
    }

    private static float[][] vectors(int count, int dimensions) {
        float[][] vectors = new float[count][dimensions];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dimensions; j++) {
                vectors[i][j] = (float) Math.sin(i * 31 + j * 0.37) / (j + 1);
            }
        }
        return vectors;
    }

    private JsonNode sentBody() {
        return TestJson.mapper().readTree(upstream.lastRequest().body());
    }

    private EmbeddingResult embed(EmbeddingProvider provider, EmbeddingRequest request) {
        return provider.embed(request).block(LIMIT);
    }

    private static void expectError(
            EmbeddingProvider provider, EmbeddingRequest request, Consumer<UpstreamException> check) {
        StepVerifier.create(provider.embed(request))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(UpstreamException.class);
                    check.accept((UpstreamException) error);
                })
                .verify(LIMIT);
    }

    @Test
    void postsTheBodyToEmbeddingsWithTheGatewaysKeyAndReadsVectorsAndUsage() {
        float[][] vectors = {{0.25f, -0.5f, 1e-7f}, {1f, 0f, -0.125f}};
        upstream.enqueue(Reply.json(200, answer(vectors, new int[] {0, 1}, 8)));

        EmbeddingResult result = embed(provider(), request("hello world", "Grüße ✓ \"quoted\""));

        assertThat(result.vectors()).containsExactly(vectors);
        assertThat(result.promptTokens()).isEqualTo(8);
        FakeUpstream.RecordedRequest received = upstream.lastRequest();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/v1/embeddings");
        assertThat(received.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(received.header("content-type")).startsWith("application/json");
        assertThat(received.body())
                .isEqualTo("{\"model\":\"text-embedding-3-small\",\"input\":[\"hello world\","
                        + "\"Grüße ✓ \\\"quoted\\\"\"],\"encoding_format\":\"float\"}");
    }

    @Test
    void aSingleTextIsStillSentAsAnArrayAndWithoutAKeyNoAuthorizationIsSent() {
        upstream.enqueue(Reply.json(200, answer(vectors(1, 4), new int[] {0}, 1)));

        embed(factory.embeddings(deployment(Secret.NONE, Timeouts.DEFAULTS)), request("one"));

        assertThat(sentBody().path("input").isArray()).isTrue();
        assertThat(sentBody().path("input").get(0).stringValue()).isEqualTo("one");
        assertThat(upstream.lastRequest().header("authorization")).isNull();
    }

    @Test
    void vectorsComeInInputOrderWhenTheUpstreamSendsThemOutOfOrder() {
        float[][] vectors = vectors(4, 5);
        upstream.enqueue(Reply.json(200, answer(vectors, new int[] {2, 0, 3, 1}, 12)));

        EmbeddingResult result = embed(provider(), request("a", "b", "c", "d"));

        assertThat(result.vectors()).containsExactly(vectors);
    }

    @Test
    void withoutUsageThePromptTokensAreNull() {
        upstream.enqueue(
                Reply.json(200, answer(vectors(2, 3), new int[] {0, 1}, null)),
                Reply.json(200, "{\"data\":[{\"index\":0,\"embedding\":[1,0.5]}],\"usage\":null}"),
                Reply.json(200, "{\"data\":[{\"embedding\":[1,0.5]}],\"usage\":{\"total_tokens\":3}}"));

        assertThat(embed(provider(), request("a", "b")).promptTokens()).isNull();
        assertThat(embed(provider(), request("a")).promptTokens()).isNull();
        EmbeddingResult withoutIndexOrPromptTokens = embed(provider(), request("a"));
        assertThat(withoutIndexOrPromptTokens.vectors().get(0)).containsExactly(1f, 0.5f);
        assertThat(withoutIndexOrPromptTokens.promptTokens()).isNull();
    }

    @Test
    void dimensionsUserAndTheClientsOtherFieldsPassThroughButNeverReplaceTheGatewaysOwn() {
        upstream.enqueue(Reply.json(200, answer(vectors(1, 256), new int[] {0}, 2)));
        EmbeddingRequest request = new EmbeddingRequest(
                MODEL,
                List.of("text"),
                256,
                "user-42",
                EmbeddingPurpose.QUERY,
                Map.of(
                        "truncate",
                        StringNode.valueOf("END"),
                        "nested",
                        TestJson.mapper().readTree("{\"a\":[1,2]}"),
                        "model",
                        StringNode.valueOf("other-model"),
                        "input",
                        StringNode.valueOf("other"),
                        "encoding_format",
                        StringNode.valueOf("base64"),
                        "dimensions",
                        IntNode.valueOf(9)));

        EmbeddingResult result = embed(provider(), request);

        assertThat(result.vectors().get(0)).hasSize(256);
        JsonNode body = sentBody();
        assertThat(body.path("model").stringValue()).isEqualTo(MODEL);
        assertThat(body.path("input").size()).isEqualTo(1);
        assertThat(body.path("encoding_format").stringValue()).isEqualTo("float");
        assertThat(body.path("dimensions").intValue()).isEqualTo(256);
        assertThat(body.path("user").stringValue()).isEqualTo("user-42");
        assertThat(body.path("truncate").stringValue()).isEqualTo("END");
        assertThat(body.path("nested").path("a").get(1).intValue()).isEqualTo(2);
        assertThat(body.has("input_type"))
                .as("a plain OpenAI deployment sends no purpose")
                .isFalse();
    }

    @Test
    void aPurposeFieldCarriesQueryOrPassageUnlessTheClientSetItItself() {
        EmbeddingProvider nimLike = factory.embeddings(deployment(Secret.of(KEY), Timeouts.DEFAULTS), "input_type");
        upstream.fallback(request -> Reply.json(200, answer(vectors(1, 2), new int[] {0}, 1)));

        embed(nimLike, EmbeddingRequest.of(MODEL, List.of("what is it?"), EmbeddingPurpose.QUERY));
        assertThat(sentBody().path("input_type").stringValue()).isEqualTo("query");

        embed(nimLike, EmbeddingRequest.of(MODEL, List.of("It is a thing."), EmbeddingPurpose.PASSAGE));
        assertThat(sentBody().path("input_type").stringValue()).isEqualTo("passage");

        embed(
                nimLike,
                new EmbeddingRequest(
                        MODEL,
                        List.of("x"),
                        null,
                        null,
                        EmbeddingPurpose.PASSAGE,
                        Map.of("input_type", StringNode.valueOf("query"))));
        assertThat(sentBody().path("input_type").stringValue()).isEqualTo("query");

        embed(nimLike, request("no purpose"));
        assertThat(sentBody().has("input_type")).isFalse();
    }

    @Test
    void upstreamErrorsAreMappedLikeChat() {
        upstream.enqueue(
                Reply.json(
                        400,
                        "{\"error\":{\"message\":\"input too long\",\"type\":\"invalid_request_error\","
                                + "\"param\":\"input\",\"code\":\"x\"}}"),
                Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "7")),
                Reply.json(500, "{\"error\":{\"message\":\"boom\"}}"),
                Reply.json(401, "{\"error\":{\"message\":\"invalid key " + KEY + "\"}}"),
                Reply.json(
                        422,
                        "{\"type\":\"about:blank\",\"status\":422,\"title\":\"Unprocessable Entity\","
                                + "\"detail\":\"input_type is required\"}"));

        expectError(provider(), request("a"), error -> {
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.getMessage()).isEqualTo("input too long");
            assertThat(error.param()).isEqualTo("input");
            assertThat(error.isTransient()).isFalse();
        });
        expectError(provider(), request("a"), error -> {
            assertThat(error.status()).isEqualTo(429);
            assertThat(error.retryAfter()).contains(Duration.ofSeconds(7));
            assertThat(error.isTransient()).isTrue();
        });
        expectError(provider(), request("a"), error -> {
            assertThat(error.status()).isEqualTo(502);
            assertThat(error.upstreamStatus()).isEqualTo(500);
            assertThat(error.isTransient()).isTrue();
        });
        expectError(provider(), request("a"), error -> {
            assertThat(error.status()).isEqualTo(502);
            assertThat(error.getMessage()).doesNotContain(KEY).contains("credentials");
        });
        expectError(provider(), request("a"), error -> {
            assertThat(error.status()).isEqualTo(422);
            assertThat(error.getMessage()).isEqualTo("input_type is required");
        });
    }

    @Test
    void aBodyThatIsNotAnEmbeddingsListIsAnInvalidResponse() {
        List<String> bodies = List.of(
                "not json at all",
                "{\"data\":[{\"index\":0,\"embedding\":[0.1,0.2]}",
                "[]",
                "{\"object\":\"list\"}",
                "{\"data\":{\"index\":0}}",
                "{\"data\":[{\"index\":0,\"embedding\":\"AAAAAA==\"}]}",
                "{\"data\":[{\"index\":0,\"embedding\":[0.1,\"x\"]}]}",
                "{\"data\":[{\"index\":0}]}",
                "{\"data\":[{\"index\":0,\"embedding\":[]}]}",
                "{\"data\":[{\"index\":0,\"embedding\":[0.1]}]} {}");
        for (String body : bodies) {
            upstream.enqueue(Reply.json(200, body));
            expectError(provider(), request("a"), error -> {
                assertThat(error.status()).as(body).isEqualTo(502);
                assertThat(error.code()).as(body).isEqualTo("upstream_invalid_response");
                assertThat(error.getMessage()).as(body).contains("emb-a").contains("invalid response");
            });
        }
    }

    @Test
    void aVectorCountOtherThanTheInputCountIsAnInvalidResponse() {
        upstream.enqueue(
                Reply.json(200, answer(vectors(1, 3), new int[] {0}, 2)),
                Reply.json(200, answer(vectors(3, 3), new int[] {0, 1, 2}, 2)),
                Reply.json(200, answer(vectors(2, 3), new int[] {1, 1}, 2)));

        expectError(provider(), request("a", "b"), error -> {
            assertThat(error.code()).isEqualTo("upstream_invalid_response");
            assertThat(error.getMessage()).contains("1 embeddings for 2 inputs");
        });
        expectError(
                provider(),
                request("a", "b"),
                error -> assertThat(error.code()).isEqualTo("upstream_invalid_response"));
        expectError(provider(), request("a", "b"), error -> {
            assertThat(error.code()).isEqualTo("upstream_invalid_response");
            assertThat(error.getMessage()).contains("twice");
        });
    }

    @Test
    void aBodyArrivingInSmallSlicesThatCutNumbersAnywhereIsReadExactly() {
        float[][] vectors = vectors(3, 50);
        String body = answer(vectors, new int[] {1, 2, 0}, 9);
        List<String> slices = new ArrayList<>();
        for (int i = 0; i < body.length(); i += 7) {
            slices.add(body.substring(i, Math.min(body.length(), i + 7)));
        }
        upstream.enqueue(Reply.sse(Duration.ZERO, slices));

        EmbeddingResult result = embed(provider(), request("a", "b", "c"));

        assertThat(result.vectors()).containsExactly(vectors);
        assertThat(result.promptTokens()).isEqualTo(9);
    }

    @Test
    void aLargeAnswerIsReadWithoutTheInMemoryLimitOfChat() {
        // 300 x 3072 floats is about 20 MB of JSON, more than the 16 MB a chat answer may have
        float[][] vectors = vectors(300, 3072);
        int[] order = new int[vectors.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = order.length - 1 - i;
        }
        upstream.enqueue(Reply.json(200, answer(vectors, order, 4000)));
        String[] texts = new String[vectors.length];
        Arrays.fill(texts, "t");

        EmbeddingResult result = embed(provider(), request(texts));

        assertThat(result.vectors()).hasSize(300);
        assertThat(result.vectors().get(299)).isEqualTo(vectors[299]);
        assertThat(result.vectors().get(0)).isEqualTo(vectors[0]);
    }

    @Test
    void anUpstreamSilentPastTheFirstByteTimeoutIs504() {
        upstream.enqueue(Reply.hang());
        Timeouts fast = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(5));

        expectError(factory.embeddings(deployment(Secret.of(KEY), fast)), request("a"), error -> {
            assertThat(error.status()).isEqualTo(504);
            assertThat(error.getMessage()).contains("first-byte");
            assertThat(error.isTransient()).isTrue();
        });
    }

    @Test
    void anUnreachableUpstreamIs502() {
        Deployment down = new Deployment(
                "emb-down", "openai", URI.create("http://127.0.0.1:1/v1"), Secret.of(KEY), MODEL, Timeouts.DEFAULTS);
        expectError(factory.embeddings(down), request("a"), error -> {
            assertThat(error.status()).isEqualTo(502);
            assertThat(error.code()).isEqualTo("upstream_unreachable");
            assertThat(error.isTransient()).isTrue();
        });
    }

    @Test
    void cancellingClosesTheUpstreamConnection() throws InterruptedException {
        upstream.enqueue(Reply.hang());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Disposable subscription = provider().embed(request("a")).subscribe(result -> {}, failure::set);
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (upstream.requests().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        CountDownLatch disconnected = upstream.nextDisconnect();

        subscription.dispose();

        assertThat(FakeUpstream.await(disconnected, Duration.ofSeconds(1))).isTrue();
        assertThat(failure.get()).isNull();
    }

    @Test
    void aDeploymentsChatAndEmbeddingsShareOneWebClient() {
        Deployment deployment = deployment(Secret.of(KEY), Timeouts.DEFAULTS);
        Deployment other = new Deployment(
                "emb-b", "openai", URI.create(upstream.baseUrl()), Secret.of(KEY), MODEL, Timeouts.DEFAULTS);

        factory.create(deployment);
        factory.embeddings(deployment);

        assertThat(factory.webClient(deployment))
                .isSameAs(factory.webClient(deployment(Secret.of(KEY), Timeouts.DEFAULTS)));
        assertThat(factory.webClient(other)).isNotSameAs(factory.webClient(deployment));
    }
}
