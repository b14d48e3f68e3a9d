package io.llmgateway.provider.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.core.tokens.TokenCounter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class MockChatProviderTests {

    private static final JsonMapper JSON = GatewayJson.newMapper();

    private static final TokenCounter TOKENS = TokenCounter.cl100k();
    private final MockChatProvider mock = new MockProviderFactory(TiktokenTokenizer.cl100k(), GatewayJson.newMapper())
            .chat(new Deployment("mock", "mock", null, null, null, null), MockOptions.DEFAULTS);

    private static UpstreamCall request(String json) {
        ObjectNode body = (ObjectNode) JSON.readTree(json);
        return new UpstreamCall(JSON.treeToValue(body, ChatCompletionRequest.class), body);
    }

    private static ChatCompletion completion(ScannedAnswer answer) {
        return JSON.readValue(answer.json(), ChatCompletion.class);
    }

    private static ChatCompletionChunk chunk(ScannedAnswer answer) {
        return JSON.readValue(answer.json(), ChatCompletionChunk.class);
    }

    @Test
    void answersWithTheLastUserMessageAndCountsTokensWithTheTokenizer() {
        UpstreamCall request = request("""
                {"model":"m","messages":[{"role":"user","content":"earlier"},{"role":"assistant","content":"x"},
                {"role":"user","content":"Grüße aus München ✓"}]}""");
        StepVerifier.create(mock.complete(request).map(MockChatProviderTests::completion))
                .assertNext(completion -> {
                    assertThat(completion.choices().get(0).message().text()).isEqualTo("Grüße aus München ✓");
                    assertThat(completion.usage().completionTokens()).isEqualTo(TOKENS.count("Grüße aus München ✓"));
                    assertThat(completion.usage().promptTokens())
                            .isEqualTo(TOKENS.countPrompt(request.request().messages()));
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void streamsOnePiecePerTokenThatJoinsBackToTheAnswerEvenAcrossMultiByteCharacters() {
        String text = "Grüße ✓ 日本語 emoji 🎉 done";
        List<ChatCompletionChunk> chunks = mock.stream(
                        request("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"))
                .map(MockChatProviderTests::chunk)
                .collectList()
                .block(Duration.ofSeconds(5));
        String joined = chunks.stream()
                .filter(c -> !c.choices().isEmpty())
                .map(c -> c.choices().get(0).delta().text())
                .reduce("", String::concat);
        assertThat(joined).isEqualTo(text);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.isUsageOnly()).isTrue();
        assertThat(last.usage().completionTokens()).isEqualTo(TOKENS.count(text));
        assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo("assistant");
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() {
        StepVerifier.create(mock.complete(request("{\"model\":\"m\",\"max_completion_tokens\":2,\"max_tokens\":50,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}"))
                        .map(MockChatProviderTests::completion))
                .assertNext(completion -> {
                    assertThat(completion.choices().get(0).message().text()).isEqualTo("one two");
                    assertThat(completion.choices().get(0).finishReason()).isEqualTo("length");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
