package io.llmgateway.provider.nim;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.provider.openai.OpenAiEmbeddingProvider;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.llmgateway.testsupport.EmbeddingProviderContract;
import io.llmgateway.testsupport.TestJson;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.StringNode;

/** NIM embeddings: NVIDIA's default API root, {@code input_type} from the purpose, and the missing-key answer. */
class NimEmbeddingTests extends EmbeddingProviderContract {

    private static final String MODEL = "nvidia/nv-embedqa-e5-v5";
    private static final String ANSWER = "{\"object\":\"list\",\"data\":[{\"index\":0,\"embedding\":[0.5,-0.5],"
            + "\"object\":\"embedding\"}],\"model\":\"" + MODEL + "\",\"usage\":{\"prompt_tokens\":4,"
            + "\"total_tokens\":4}}";

    private final OpenAiProviderFactory transport =
            new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS);
    private final NimProviderFactory factory = new NimProviderFactory(transport);

    @Override
    protected EmbeddingProvider create(Deployment deployment) {
        return factory.embeddings(deployment);
    }

    @Override
    protected String upstreamModel() {
        return MODEL;
    }

    @Test
    void withoutABaseUrlNvidiasApiRootIsUsedWithInputTypeAsThePurposeField() {
        Deployment deployment = new Deployment("nvidia-embed", "nim", null, Secret.of(KEY), MODEL, Timeouts.DEFAULTS);

        EmbeddingProvider embeddings = factory.embeddings(deployment);

        assertThat(embeddings).isInstanceOf(OpenAiEmbeddingProvider.class);
        OpenAiEmbeddingProvider openAi = (OpenAiEmbeddingProvider) embeddings;
        assertThat(openAi.deployment().baseUrl()).isEqualTo(URI.create(NimProviderFactory.DEFAULT_BASE_URL));
        assertThat(openAi.purposeField()).isEqualTo("input_type");
        assertThat(transport.webClient(openAi.deployment()))
                .as("chat and embeddings of the deployment share one pool")
                .isSameAs(transport.webClient(new Deployment(
                        "nvidia-embed",
                        "nim",
                        URI.create(NimProviderFactory.DEFAULT_BASE_URL),
                        Secret.of(KEY),
                        MODEL,
                        Timeouts.DEFAULTS)));
    }

    @Test
    void thePurposeIsSentAsInputTypeUnlessTheClientSentItsOwn() {
        upstream.fallback(request -> Reply.json(200, ANSWER));

        EmbeddingResult result = provider()
                .embed(EmbeddingRequest.of(MODEL, List.of("What is NIM?"), EmbeddingPurpose.QUERY))
                .block(LIMIT);
        assertThat(result.vectors().get(0)).containsExactly(0.5f, -0.5f);
        assertThat(result.promptTokens()).isEqualTo(4);
        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/embeddings");
        assertThat(upstream.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(sentBody().path("input_type").stringValue()).isEqualTo("query");

        provider()
                .embed(EmbeddingRequest.of(MODEL, List.of("NIM is a microservice."), EmbeddingPurpose.PASSAGE))
                .block(LIMIT);
        assertThat(sentBody().path("input_type").stringValue()).isEqualTo("passage");

        provider()
                .embed(new EmbeddingRequest(
                        MODEL,
                        List.of("x"),
                        null,
                        null,
                        EmbeddingPurpose.QUERY,
                        Map.of("input_type", StringNode.valueOf("passage"), "truncate", StringNode.valueOf("END"))))
                .block(LIMIT);
        assertThat(sentBody().path("input_type").stringValue()).isEqualTo("passage");
        assertThat(sentBody().path("truncate").stringValue()).isEqualTo("END");
    }

    @Test
    void withoutAKeyEveryCallIs503NamingTheSettingLikeChat() {
        Deployment unconfigured = new Deployment("nvidia-embed", "nim", null, Secret.NONE, MODEL, Timeouts.DEFAULTS);

        StepVerifier.create(factory.embeddings(unconfigured)
                        .embed(EmbeddingRequest.of(MODEL, List.of("x"), EmbeddingPurpose.QUERY)))
                .expectErrorSatisfies(error -> {
                    GatewayException gatewayError = (GatewayException) error;
                    assertThat(gatewayError.status()).isEqualTo(503);
                    assertThat(gatewayError.code()).isEqualTo("provider_not_configured");
                    assertThat(error.getMessage()).contains("NVIDIA_API_KEY").contains("nvidia-embed");
                })
                .verify(LIMIT);
        assertThat(factory.embeddings(unconfigured)).isInstanceOf(NimProviderFactory.MissingKey.class);
        assertThat(upstream.requests()).isEmpty();
    }
}
