package io.llmgateway.provider.nim;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.llmgateway.testsupport.ChatProviderContract;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** The NIM adapter: the shared contract, NIM's own fields on the wire, and the missing-key answer. */
class NimProviderTests extends ChatProviderContract {

    private final NimProviderFactory factory = new NimProviderFactory(
            new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS));

    @Override
    protected ChatProvider create(Deployment deployment) {
        return factory.create(deployment);
    }

    @Test
    void badSeedAndTheContextRoleReachNvidiaAsTheyAre() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion(upstreamModel(), "ok", 5, 1)));
        UpstreamCall request = call("""
                {"model":"upstream-model","messages":[{"role":"system","content":"s"},
                 {"role":"context","content":"Paris is in France."},{"role":"user","content":"Where is Paris?"}],
                 "bad":["London"],"seed":42}""");
        StepVerifier.create(provider().complete(request))
                .expectNextCount(1)
                .expectComplete()
                .verify(LIMIT);
        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.path("messages").get(1).path("role").stringValue()).isEqualTo("context");
        assertThat(sent.path("bad").get(0).stringValue()).isEqualTo("London");
        assertThat(sent.path("seed").intValue()).isEqualTo(42);
    }

    @Test
    void withoutAKeyAValidRequestIs503NamingTheSetting() {
        ChatProvider unconfigured = factory.create(new Deployment(
                "nvidia-phi", "nim", null, Secret.NONE, "microsoft/phi-3.5-moe-instruct", Timeouts.DEFAULTS));
        StepVerifier.create(chunks(unconfigured.stream(request(true))))
                .expectErrorSatisfies(error -> {
                    assertThat(((GatewayException) error).status()).isEqualTo(503);
                    assertThat(error.getMessage()).contains("NVIDIA_API_KEY");
                })
                .verify(LIMIT);
        assertThat(upstream.requests()).isEmpty();
    }
}
