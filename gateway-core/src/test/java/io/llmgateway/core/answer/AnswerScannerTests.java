package io.llmgateway.core.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.json.GatewayJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnswerScannerTests {

    private static final AnswerScanner SCANNER = new AnswerScanner(GatewayJson.newMapper());

    private static ScannedAnswer scan(String json) {
        return SCANNER.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheMeteredFactsOfACompletion() {
        ScannedAnswer answer = scan("""
                {"id":"c1","object":"chat.completion","model":"up","choices":[
                 {"index":0,"message":{"role":"assistant","content":"Grüße ✓","refusal":null},"finish_reason":"stop"},
                 {"index":1,"message":{"role":"assistant","content":[{"type":"text","text":" and"}],
                  "tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,
                  "prompt_tokens_details":{"cached_tokens":4}},"x_vendor":[1,{"model":"inner"}]}""");
        assertThat(answer.choices()).isEqualTo(2);
        assertThat(answer.choicesWithMessage()).isEqualTo(2);
        assertThat(answer.finishReason()).as("the first choice's").isEqualTo("stop");
        assertThat(answer.text()).isEqualTo("Grüße ✓ andf{}");
        assertThat(answer.promptTokens()).isEqualTo(12);
        assertThat(answer.completionTokens()).isEqualTo(5);
        assertThat(answer.cachedTokens()).isEqualTo(4);
        assertThat(answer.hasCompleteUsage()).isTrue();
        assertThat(answer.isUsageOnly()).isFalse();
        assertThat(answer.isError()).isFalse();
        // offsets are in bytes: the text before them is not ASCII
        assertThat(slice(answer, answer.modelStart(), answer.modelEnd())).isEqualTo("\"up\"");
        assertThat(slice(answer, answer.usageStart(), answer.usageEnd()))
                .startsWith("{\"prompt_tokens\"")
                .endsWith("}}");
    }

    private static String slice(ScannedAnswer answer, int from, int to) {
        return new String(answer.json(), from, to - from, StandardCharsets.UTF_8);
    }

    @Test
    void aUsageOnlyChunkAndCountsThatAreNotCountsAreToldApart() {
        ScannedAnswer usageOnly = scan("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}");
        assertThat(usageOnly.isUsageOnly()).isTrue();
        assertThat(usageOnly.modelStart()).as("no model").isNegative();

        for (String nonsense : new String[] {"-1", "1.5", "\"7\"", "1e3", "99999999999", "null", "[1]"}) {
            ScannedAnswer answer =
                    scan("{\"choices\":[],\"usage\":{\"prompt_tokens\":" + nonsense + ",\"completion_tokens\":2}}");
            assertThat(answer.promptTokens()).as(nonsense).isNull();
            assertThat(answer.hasCompleteUsage()).as(nonsense).isFalse();
        }
        ScannedAnswer nullUsage = scan("{\"choices\":[{\"delta\":{}}],\"usage\":null}");
        assertThat(nullUsage.hasUsage()).isFalse();
        assertThat(nullUsage.usageStart())
                .as("the null's place, to put a usage in")
                .isPositive();
    }

    @Test
    void anErrorInPlaceOfAnAnswerIsSeen() {
        assertThat(scan("{\"error\":{\"message\":\"overloaded\"}}").isError()).isTrue();
        assertThat(scan("{\"error\":null,\"choices\":[]}").isError()).isFalse();
    }

    @Test
    void anythingButOneWellFormedObjectIsRefused() {
        for (String bad : new String[] {
            "[1,2]", "\"text\"", "{\"a\":1", "{\"a\":1}{}", "{\"a\":1} 2", "", "{a:1}", "{\"a\":\"\u0000\"}"
        }) {
            assertThatThrownBy(() -> scan(bad)).as(bad).isInstanceOf(AnswerScanner.NotAnObjectException.class);
        }
    }
}
