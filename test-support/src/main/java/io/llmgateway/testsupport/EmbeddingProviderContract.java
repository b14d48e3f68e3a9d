package io.llmgateway.testsupport;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * The behaviour every embeddings adapter of an HTTP upstream owes the gateway, run against a real fake upstream:
 * the gateway's key and the upstream's model name sent, vectors in input order, usage read when given, upstream
 * failures mapped like chat, invalid answers refused, timeouts and cancellation. Each adapter's tests extend this
 * class and say how to build the adapter for a deployment; {@link ChatProviderContract} is its chat twin.
 */
public abstract class EmbeddingProviderContract extends UpstreamContract<EmbeddingProvider> {

    @Override
    protected String upstreamModel() {
        return "text-embedding-3-small";
    }

    @Override
    protected String deploymentName() {
        return "emb-a";
    }

    protected EmbeddingRequest request(String... texts) {
        return new EmbeddingRequest(upstreamModel(), List.of(texts), null, null, null, Map.of());
    }

    /** An OpenAI embeddings answer with the items in the given order of indexes. */
    public static String answer(float[][] vectors, int[] order, @Nullable Integer promptTokens) {
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
        body.append("],\"model\":\"embedding-model\"");
        if (promptTokens != null) {
            body.append(",\"usage\":{\"prompt_tokens\":")
                    .append(promptTokens)
                    .append(",\"total_tokens\":")
                    .append(promptTokens)
                    .append('}');
        }
        return body.append('}').toString();
    }

    /** Distinct, reproducible vectors. */
    public static float[][] vectors(int count, int dimensions) {
        float[][] vectors = new float[count][dimensions];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dimensions; j++) {
                vectors[i][j] = (float) Math.sin(i * 31 + j * 0.37) / (j + 1);
            }
        }
        return vectors;
    }

    protected JsonNode sentBody() {
        return TestJson.mapper().readTree(upstream.lastRequest().body());
    }

    protected EmbeddingResult embed(EmbeddingProvider provider, EmbeddingRequest request) {
        return Objects.requireNonNull(provider.embed(request).block(LIMIT), "an embedding result");
    }

    protected static void expectError(
            EmbeddingProvider provider, EmbeddingRequest request, Consumer<UpstreamException> check) {
        StepVerifier.create(provider.embed(request))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(UpstreamException.class);
                    check.accept((UpstreamException) error);
                })
                .verify(LIMIT);
    }

    @Test
    void postsTheTextsToEmbeddingsWithTheGatewaysKeyAndTheUpstreamsModelName() {
        float[][] vectors = {{0.25f, -0.5f, 1e-7f}, {1f, 0f, -0.125f}};
        upstream.enqueue(Reply.json(200, answer(vectors, new int[] {0, 1}, 8)));

        EmbeddingResult result = embed(provider(), request("hello world", "Grüße ✓ \"quoted\""));

        assertThat(result.vectors()).containsExactly(vectors);
        assertThat(result.promptTokens()).isEqualTo(8);
        FakeUpstream.RecordedRequest received = upstream.lastRequest();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/v1/embeddings");
        assertThat(received.header("authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = sentBody();
        assertThat(body.path("model").stringValue()).isEqualTo(upstreamModel());
        assertThat(body.path("input").get(1).stringValue()).isEqualTo("Grüße ✓ \"quoted\"");
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
    void anUpstreamSilentPastTheFirstByteTimeoutIs504() {
        upstream.enqueue(Reply.hang());
        Timeouts fast = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(5));

        expectError(create(deployment(fast)), request("a"), error -> {
            assertThat(error.status()).isEqualTo(504);
            assertThat(error.getMessage()).contains("first-byte");
            assertThat(error.isTransient()).isTrue();
        });
    }

    @Test
    void anUnreachableUpstreamIs502() {
        Deployment down = new Deployment(
                "emb-down",
                "openai",
                URI.create("http://127.0.0.1:1/v1"),
                Secret.of(KEY),
                upstreamModel(),
                Timeouts.DEFAULTS);
        expectError(create(down), request("a"), error -> {
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
}
