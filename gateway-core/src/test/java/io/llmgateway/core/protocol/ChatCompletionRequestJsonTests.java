package io.llmgateway.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.json.GatewayJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ChatCompletionRequestJsonTests {

    private final JsonMapper json = GatewayJson.newMapper();

    @Test
    void unknownFieldsAtEveryLevelSurviveARoundTrip() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"hi","x_msg":{"a":1}}],
                 "temperature":0.5,"stop":"END","bad":["x","y"],"min_p":0.1,"peft":"ad-1",
                 "stream_options":{"include_usage":true,"x_opt":2},
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}},"x_tool":true}],
                 "tool_choice":{"type":"function","function":{"name":"f"}},
                 "vendor_knob":{"deep":[1,2,3]},"logit_bias":{"50256":-100}}
                """;
        ChatCompletionRequest request = json.readValue(body, ChatCompletionRequest.class);

        assertThat(request.extra()).containsKey("vendor_knob");
        assertThat(request.messages().get(0).extra()).containsKey("x_msg");
        assertThat(request.stop()).isEqualTo(StringOrList.of("END"));
        assertThat(request.bad().values()).containsExactly("x", "y");
        assertThat(request.toolChoice().functionName()).isEqualTo("f");
        assertThat(request.wantsStreamUsage()).isTrue();

        JsonNode written = json.readTree(json.writeValueAsString(request.withModel("upstream-name")));
        JsonNode original = json.readTree(body);
        ((ObjectNode) original).put("model", "upstream-name");
        assertThat(written).isEqualTo(original);
    }

    @Test
    void wrongTypesAreRefusedWithThePathOfTheField() {
        assertThatThrownBy(() -> json.readValue("{\"temperature\":\"hot\"}", ChatCompletionRequest.class))
                .isInstanceOf(MismatchedInputException.class)
                .satisfies(e -> assertThat(
                                ((MismatchedInputException) e).getPath().get(0).getPropertyName())
                        .isEqualTo("temperature"));
        assertThatThrownBy(() -> json.readValue("{\"n\":1.5}", ChatCompletionRequest.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> json.readValue("{\"temperature\":\"0.5\"}", ChatCompletionRequest.class))
                .isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void stopAcceptsOnlyAStringOrAListOfStrings() {
        assertThatThrownBy(() -> json.readValue("{\"stop\":[1,2]}", ChatCompletionRequest.class))
                .isInstanceOf(DatabindException.class);
        assertThat(json.readValue("{\"stop\":[\"a\",\"b\"]}", ChatCompletionRequest.class)
                        .stop()
                        .single())
                .isFalse();
    }

    @Test
    void messageTextJoinsTextPartsAndIgnoresOthers() {
        ChatMessage message = json.readValue("""
                {"role":"user","content":[{"type":"text","text":"one"},{"type":"image_url","image_url":{"url":"x"}},
                {"type":"text","text":"two"}]}""", ChatMessage.class);
        assertThat(message.text()).isEqualTo("one\ntwo");
    }

    @Test
    void chunkWritesFinishReasonAsNullLikeOpenAi() {
        ChatCompletionChunk chunk = json.readValue("""
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",
                 "choices":[{"index":0,"delta":{"content":"hi"}}]}""", ChatCompletionChunk.class);
        assertThat(json.writeValueAsString(chunk)).contains("\"finish_reason\":null");
    }
}
