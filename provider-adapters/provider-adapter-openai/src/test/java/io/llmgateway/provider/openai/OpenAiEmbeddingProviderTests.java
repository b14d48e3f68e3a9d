package io.llmgateway.provider.openai;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.testsupport.EmbeddingProviderContract;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.TestJson;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

/**
 * The OpenAI-compatible embeddings transport: the contract every embeddings adapter keeps, and what is particular to
 * this one (the exact body, pass-through fields, the purpose field, large and sliced answers, the shared client).
 */
class OpenAiEmbeddingProviderTests extends EmbeddingProviderContract {

    private static final String MODEL = "text-embedding-3-small";

    private final OpenAiProviderFactory factory =
            new OpenAiProviderFactory(GatewayJson.newMapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS);

    @Override
    protected EmbeddingProvider create(Deployment deployment) {
        return factory.embeddings(deployment);
    }

    private Deployment deployment(Secret key, Timeouts timeouts) {
        return new Deployment("emb-a", "openai", URI.create(upstream.baseUrl()), key, MODEL, timeouts);
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
