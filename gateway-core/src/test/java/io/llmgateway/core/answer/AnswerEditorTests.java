package io.llmgateway.core.answer;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.json.GatewayJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnswerEditorTests {

    private static final AnswerScanner SCANNER = new AnswerScanner(GatewayJson.newMapper());

    private static final byte[] MODEL = AnswerEditor.jsonString("public \"model\" ✓");

    private static ScannedAnswer scan(String json) {
        return SCANNER.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void replacesOnlyTheModelAndKeepsEveryOtherByteInItsOrder() {
        String upstream = "{ \"z_first\" : 1,\"model\":\"up\\u002fstream\",\"choices\":[{\"delta\":{\"content\":\"x\"}"
                + ",\"model\":\"inner\"}],\"a_last\":{\"model\":\"nested\"} }";
        String edited = text(AnswerEditor.of(scan(upstream)).model(MODEL).toBytes());
        assertThat(edited).isEqualTo(upstream.replace("\"up\\u002fstream\"", "\"public \\\"model\\\" ✓\""));
    }

    @Test
    void addsTheModelWhenTheUpstreamNamedNone() {
        String edited =
                text(AnswerEditor.of(scan("{\"choices\":[]}")).model(MODEL).toBytes());
        assertThat(edited).isEqualTo("{\"model\":\"public \\\"model\\\" ✓\",\"choices\":[]}");
    }

    @Test
    void putsTheCostIntoTheUpstreamsUsageAfterItsOwnFields() {
        String upstream = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2},\"k\":0}";
        byte[] cost = "0.0001".getBytes(StandardCharsets.US_ASCII);
        assertThat(text(AnswerEditor.of(scan(upstream)).costInUsage(cost).toBytes()))
                .isEqualTo("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"cost\":0.0001},"
                        + "\"k\":0}");
        assertThat(text(AnswerEditor.of(scan("{\"choices\":[],\"usage\":{ }}"))
                        .costInUsage(cost)
                        .toBytes()))
                .isEqualTo("{\"choices\":[],\"usage\":{ \"cost\":0.0001}}");
    }

    @Test
    void addsAUsageWhereTheUpstreamSentNoneOrNull() {
        byte[] usage = "{\"prompt_tokens\":1}".getBytes(StandardCharsets.US_ASCII);
        assertThat(text(AnswerEditor.of(scan("{\"choices\":[],\"usage\":null,\"x\":1}"))
                        .usageIfMissing(usage)
                        .toBytes()))
                .isEqualTo("{\"choices\":[],\"usage\":{\"prompt_tokens\":1},\"x\":1}");
        assertThat(text(AnswerEditor.of(scan("{\"choices\":[]}"))
                        .usageIfMissing(usage)
                        .toBytes()))
                .isEqualTo("{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}");
        assertThat(text(AnswerEditor.of(scan("{\"usage\":{\"a\":1}}"))
                        .usageIfMissing(usage)
                        .toBytes()))
                .as("the upstream's usage stays")
                .isEqualTo("{\"usage\":{\"a\":1}}");
    }

    @Test
    void aUsageTheClientDidNotAskForBecomesNullInItsPlace() {
        String upstream = "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":1},\"z\":2}";
        assertThat(text(AnswerEditor.of(scan(upstream)).withoutUsage().toBytes()))
                .isEqualTo("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null,\"z\":2}");
    }

    @Test
    void framesEveryEditInOneArray() {
        String upstream = "{\"model\":\"m\",\"choices\":[{\"delta\":{}}]}";
        byte[] event = AnswerEditor.of(scan(upstream))
                .model(AnswerEditor.jsonString("p"))
                .addFields("\"rag\":{\"sources\":[]}".getBytes(StandardCharsets.UTF_8))
                .toBytes("data: ".getBytes(StandardCharsets.US_ASCII), "\n\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(text(event))
                .isEqualTo("data: {\"model\":\"p\",\"choices\":[{\"delta\":{}}],\"rag\":{\"sources\":[]}}" + "\n\n");
    }

    @Test
    void escapesWhatAJsonStringMustEscape() {
        assertThat(text(AnswerEditor.jsonString("a\\b\"c\n\u0001"))).isEqualTo("\"a\\\\b\\\"c\\u000a\\u0001\"");
    }
}
