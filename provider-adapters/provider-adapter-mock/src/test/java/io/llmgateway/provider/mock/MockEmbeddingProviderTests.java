package io.llmgateway.provider.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class MockEmbeddingProviderTests {

    private static final Duration LIMIT = Duration.ofSeconds(5);
    private final EmbeddingProvider mock = new MockProviderFactory(TiktokenTokenizer.cl100k(), GatewayJson.newMapper())
            .embeddings(new Deployment("mock", "mock", null, null, null, null), MockOptions.DEFAULTS);

    private EmbeddingResult embed(Integer dimensions, String... texts) {
        return mock.embed(new EmbeddingRequest("m", List.of(texts), dimensions, null, null, Map.of()))
                .block(LIMIT);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    @Test
    void theSameTextGivesTheSameNormalisedVectorEveryTime() {
        EmbeddingResult first = embed(null, "The cat sat on the mat.", "Grüße aus München 2024");
        EmbeddingResult again = new MockProviderFactory(TiktokenTokenizer.cl100k(), GatewayJson.newMapper())
                .embeddings(new Deployment("other", "mock", null, null, null, null), null)
                .embed(EmbeddingRequest.of(
                        "m", List.of("the CAT sat, on the mat", "Grüße aus München 2024"), EmbeddingPurpose.PASSAGE))
                .block(LIMIT);

        assertThat(first.vectors()).hasSize(2);
        assertThat(first.vectors().get(0))
                .hasSize(MockEmbeddingProvider.DEFAULT_DIMENSIONS)
                .isEqualTo(again.vectors().get(0));
        assertThat(first.vectors().get(1)).isEqualTo(again.vectors().get(1));
        for (float[] vector : first.vectors()) {
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
        }
        assertThat(first.promptTokens()).isEqualTo(6 + 4);
    }

    @Test
    void textsSharingWordsAreCloserThanUnrelatedOnes() {
        EmbeddingResult result = embed(
                null,
                "How do I reset my router password?",
                "To reset the router password, hold the reset button.",
                "Bananas are rich in potassium and fibre.");
        List<float[]> v = result.vectors();

        double related = cosine(v.get(0), v.get(1));
        double unrelated = cosine(v.get(0), v.get(2));
        assertThat(related).isGreaterThan(0.4).isGreaterThan(unrelated + 0.3);
    }

    @Test
    void aTextWithoutWordsIsTheZeroVectorAndCountsOneToken() {
        EmbeddingResult result = embed(null, "", " ,.;! ");
        assertThat(result.vectors())
                .allSatisfy(vector -> assertThat(norm(vector)).isZero());
        assertThat(result.promptTokens()).isEqualTo(2);
    }

    @Test
    void dimensionsAreHonouredWithinTheirRange() {
        EmbeddingResult result = embed(1024, "alpha beta", "gamma");
        assertThat(result.vectors()).allSatisfy(vector -> {
            assertThat(vector).hasSize(1024);
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
        });
        assertThat(embed(1, "one two three").vectors().get(0)).hasSize(1);
        assertThat(embed(MockEmbeddingProvider.MAX_DIMENSIONS, "x").vectors().get(0))
                .hasSize(MockEmbeddingProvider.MAX_DIMENSIONS);

        for (int bad : new int[] {0, MockEmbeddingProvider.MAX_DIMENSIONS + 1}) {
            StepVerifier.create(mock.embed(new EmbeddingRequest("m", List.of("x"), bad, null, null, Map.of())))
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(InvalidRequestException.class);
                        assertThat(((InvalidRequestException) error).param()).isEqualTo("dimensions");
                        assertThat(((InvalidRequestException) error).status()).isEqualTo(400);
                    })
                    .verify(LIMIT);
        }
    }
}
