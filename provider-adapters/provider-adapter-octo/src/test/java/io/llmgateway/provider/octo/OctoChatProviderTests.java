package io.llmgateway.provider.octo;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.llmgateway.testsupport.ChatProviderContract;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/** The Octo-style adapter: the shared contract, then its own parameter mapping. */
class OctoChatProviderTests extends ChatProviderContract {

    private final OctoProviderFactory factory = new OctoProviderFactory(
            new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS));

    @Override
    protected ChatProvider create(Deployment deployment) {
        return factory.chat(deployment, new OctoOptions(Map.of("support-bot", "llama-3-8b-support-lora")));
    }

    private static UpstreamCall octo(String fields) {
        return call("{\"model\":\"upstream-model\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"hi\"}]," + fields
                + "}");
    }

    @Test
    void peftSelectsTheAdaptersModelAndTheExtendedParametersPassThrough() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion("llama-3-8b-support-lora", "ok", 3, 1)));
        StepVerifier.create(provider()
                        .complete(octo("\"peft\":\"support-bot\",\"min_p\":0.05,"
                                + "\"repetition_penalty\":1.1,\"ignore_eos\":true,\"logit_bias\":{\"50256\":-100},"
                                + "\"loglikelihood\":true,\"log_prompt\":true,\"logprobs\":true,\"top_logprobs\":2,"
                                + "\"response_format\":{\"type\":\"json_object\"}")))
                .expectNextCount(1)
                .expectComplete()
                .verify(LIMIT);
        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.path("model").stringValue()).isEqualTo("llama-3-8b-support-lora");
        assertThat(sent.has("peft")).isFalse();
        assertThat(sent.has("loglikelihood")).isFalse();
        assertThat(sent.path("prompt_logprobs").intValue()).isEqualTo(1);
        assertThat(sent.has("log_prompt"))
                .as("the ledger's business, not the engine's")
                .isFalse();
        assertThat(sent.path("min_p").doubleValue()).isEqualTo(0.05);
        assertThat(sent.path("repetition_penalty").doubleValue()).isEqualTo(1.1);
        assertThat(sent.path("ignore_eos").booleanValue()).isTrue();
        assertThat(sent.path("logit_bias").path("50256").intValue()).isEqualTo(-100);
        assertThat(sent.path("top_logprobs").intValue()).isEqualTo(2);
        assertThat(sent.path("response_format").path("type").stringValue()).isEqualTo("json_object");
    }

    @Test
    void anUnknownPeftIsA400BeforeAnyUpstreamCall() {
        StepVerifier.create(provider().stream(octo("\"stream\":true,\"peft\":\"nope\"")))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(InvalidRequestException.class);
                    assertThat(((InvalidRequestException) error).param()).isEqualTo("peft");
                    assertThat(((InvalidRequestException) error).status()).isEqualTo(400);
                })
                .verify(LIMIT);
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void toolCallDeltasChoiceIndexesAndLogprobsPassThroughIntact() {
        String toolDelta = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":\"}}]},"
                + "\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-0.1,\"top_logprobs\":[]}]},"
                + "\"finish_reason\":null}]}\n\n";
        upstream.enqueue(Reply.sse(Duration.ZERO, List.of(toolDelta, OpenAiFixtures.DONE)));
        StepVerifier.create(chunks(provider().stream(octo("\"stream\":true"))))
                .assertNext(chunk -> {
                    var choice = chunk.choices().get(0);
                    assertThat(choice.index()).isEqualTo(1);
                    assertThat(choice.delta().toolCalls().get(0).function().arguments())
                            .isEqualTo("{\"q\":");
                    assertThat(choice.delta().toolCalls().get(0).id()).isEqualTo("call_1");
                    assertThat(choice.logprobs()
                                    .path("content")
                                    .get(0)
                                    .path("logprob")
                                    .doubleValue())
                            .isEqualTo(-0.1);
                })
                .expectComplete()
                .verify(LIMIT);
    }
}
