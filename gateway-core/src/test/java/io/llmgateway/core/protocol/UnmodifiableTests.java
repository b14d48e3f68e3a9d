package io.llmgateway.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.json.GatewayJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;

class UnmodifiableTests {

    private static final JsonMapper JSON = GatewayJson.newMapper();

    @Test
    void copiesKeepOrderAndNullsAndCannotBeChanged() {
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        extra.put("z", IntNode.valueOf(1));
        extra.put("a", null);
        Map<String, JsonNode> copy = Unmodifiable.extra(extra);
        extra.put("late", IntNode.valueOf(2));

        assertThat(copy.keySet()).containsExactly("z", "a");
        assertThat(copy).containsEntry("a", null);
        assertThatThrownBy(() -> copy.put("b", null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Unmodifiable.extra(null)).isEmpty();
        assertThat(Unmodifiable.list(Arrays.asList("b", null, "a"))).containsExactly("b", null, "a");
        assertThat(Unmodifiable.<String>list(null)).isNull();
        assertThat(Unmodifiable.<String, String>map(null)).isNull();
    }

    @Test
    void aCopyIsNotCopiedAgainWhenARecordIsRebuilt() {
        ChatCompletionRequest request = JSON.readValue("{\"model\":\"m\",\"messages\":[]}", ChatCompletionRequest.class)
                .withMessages(List.of(ChatMessage.of("user", "hi")));

        ChatCompletionRequest rebuilt = request.withModel("upstream").withoutLogPrompt();

        assertThat(rebuilt.messages()).isSameAs(request.messages());
        Map<String, Object> copy = Unmodifiable.map(new LinkedHashMap<>(Map.of("a", 1)));
        assertThat(Unmodifiable.map(copy)).isSameAs(copy);
        assertThat(Unmodifiable.extra(copy)).isSameAs(copy);
        List<String> list = Unmodifiable.list(new ArrayList<>(List.of("x")));
        assertThat(Unmodifiable.list(list)).isSameAs(list);
        assertThatThrownBy(() -> list.set(0, "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue(2))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aRecordDoesNotChangeWithTheCollectionsItWasBuiltFrom() {
        List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.of("user", "hi")));
        ChatCompletionRequest request = JSON.readValue("{\"model\":\"m\",\"messages\":[]}", ChatCompletionRequest.class)
                .withMessages(messages);
        messages.add(ChatMessage.of("user", "later"));

        assertThat(request.messages()).hasSize(1);
        assertThatThrownBy(() -> request.messages().add(ChatMessage.of("user", "x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unknownFieldsReadFromJsonAreKeptAndWrittenBack() {
        String json = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[],\"x_one\":1,\"x_two\":null}";
        ChatCompletion completion = JSON.readValue(json, ChatCompletion.class);

        assertThat(completion.extra()).containsOnlyKeys("x_one", "x_two");
        assertThatThrownBy(() -> completion.extra().remove("x_one")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(JSON.readTree(JSON.writeValueAsString(completion.withModel("m"))))
                .isEqualTo(JSON.readTree(json.replace("\"object\"", "\"model\":\"m\",\"object\"")));
    }
}
