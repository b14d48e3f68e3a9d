package io.llmgateway.provider.octo;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.llmgateway.testsupport.EmbeddingProviderContract;
import io.llmgateway.testsupport.TestJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** Octo embeddings: a vLLM-class engine's OpenAI {@code /embeddings}, without a purpose field. */
class OctoEmbeddingTests extends EmbeddingProviderContract {

    private static final String MODEL = "intfloat/e5-mistral-7b-instruct";

    private final OctoProviderFactory factory = new OctoProviderFactory(
            new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS));

    @Override
    protected EmbeddingProvider create(Deployment deployment) {
        return factory.embeddings(deployment);
    }

    @Override
    protected String upstreamModel() {
        return MODEL;
    }

    @Test
    void postsToTheEnginesEmbeddingsWithoutAPurposeField() {
        upstream.enqueue(Reply.json(
                200,
                "{\"object\":\"list\",\"data\":[{\"index\":1,\"object\":\"embedding\","
                        + "\"embedding\":[3,4]},{\"index\":0,\"object\":\"embedding\",\"embedding\":[1,2]}],"
                        + "\"model\":\"" + MODEL + "\",\"usage\":{\"prompt_tokens\":6,\"total_tokens\":6}}"));

        EmbeddingResult result = provider()
                .embed(EmbeddingRequest.of(MODEL, List.of("first", "second"), EmbeddingPurpose.PASSAGE))
                .block(LIMIT);

        assertThat(result.vectors().get(0)).containsExactly(1f, 2f);
        assertThat(result.vectors().get(1)).containsExactly(3f, 4f);
        assertThat(result.promptTokens()).isEqualTo(6);
        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/embeddings");
        assertThat(upstream.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.path("model").stringValue()).isEqualTo(MODEL);
        assertThat(sent.path("encoding_format").stringValue()).isEqualTo("float");
        assertThat(sent.has("input_type")).isFalse();
    }

    @Test
    void anEngineThatServesNoEmbeddingsModelAnswersItsOwnError() {
        upstream.enqueue(Reply.json(
                404,
                "{\"object\":\"error\",\"message\":\"The model does not support "
                        + "Embeddings API\",\"type\":\"NotFoundError\",\"code\":404}"));
        StepVerifier.create(provider().embed(EmbeddingRequest.of(MODEL, List.of("x"), null)))
                .expectErrorSatisfies(error -> {
                    assertThat(((UpstreamException) error).status()).isEqualTo(404);
                    assertThat(error.getMessage()).contains("does not support Embeddings API");
                })
                .verify(LIMIT);
    }
}
