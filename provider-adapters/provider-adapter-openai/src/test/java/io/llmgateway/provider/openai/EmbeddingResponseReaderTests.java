package io.llmgateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.testsupport.TestJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The incremental reader of embeddings answers, fed directly. */
class EmbeddingResponseReaderTests {

    private static EmbeddingResult read(int inputs, String... pieces) {
        try (EmbeddingResponseReader reader = new EmbeddingResponseReader(TestJson.mapper(), "dep", inputs)) {
            for (String piece : pieces) {
                reader.feed(piece.getBytes(StandardCharsets.UTF_8));
            }
            return reader.finish();
        }
    }

    private static void assertInvalid(int inputs, String body, String detail) {
        assertThatThrownBy(() -> read(inputs, body))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(((UpstreamException) e).code()).isEqualTo("upstream_invalid_response"));
    }

    @Test
    void skipsUnknownFieldsOfAnyShapeAndReadsIntegersExponentsAndNegativeZero() {
        EmbeddingResult result = read(2, """
                {"object":"list","extra":{"deep":[{"data":[1]},[[]]],"s":"}]"},
                 "data":[{"embedding":[1,-0.0,2.5E-3],"index":1,"object":"embedding","meta":{"x":[1,{"y":2}]}},
                         {"object":"embedding","index":0,"embedding":[-1e2,0,3]}],
                 "usage":{"total_tokens":7,"details":{"a":1},"prompt_tokens":5},"model":"m"}""");
        assertThat(result.vectors().get(0)).containsExactly(-100f, 0f, 3f);
        assertThat(result.vectors().get(1)).containsExactly(1f, -0.0f, 0.0025f);
        assertThat(result.promptTokens()).isEqualTo(5);
    }

    @Test
    void readsABodyFedOneByteAtATime() {
        String body = "{\"data\":[{\"index\":0,\"embedding\":[0.123456789,-7.5e-8]}],\"usage\":{\"prompt_tokens\":3}}";
        String[] bytes = body.chars().mapToObj(c -> String.valueOf((char) c)).toArray(String[]::new);
        EmbeddingResult result = read(1, bytes);
        assertThat(result.vectors().get(0)).containsExactly(0.123456789f, -7.5e-8f);
        assertThat(result.promptTokens()).isEqualTo(3);
    }

    @Test
    void rejectsWhatCannotBeTheAnswer() {
        assertInvalid(1, "{\"data\":[{\"index\":1,\"embedding\":[1]}]}", "out of range");
        assertInvalid(1, "{\"data\":[{\"index\":-1,\"embedding\":[1]}]}", "out of range");
        assertInvalid(
                2,
                "{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[1]}]}",
                "different lengths");
        assertInvalid(2, "{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[1]}]}", "twice");
        assertInvalid(1, "{\"data\":[{\"embedding\":[1]},{\"embedding\":[1]}]}", "more embeddings");
        assertInvalid(1, "{\"data\":[{\"index\":\"0\",\"embedding\":[1]}]}", "index is not an integer");
        assertInvalid(1, "{\"data\":[{\"index\":0,\"embedding\":[[1]]}]}", "not an array of numbers");
        assertInvalid(1, "{\"data\":null}", "data is not an array");
        assertInvalid(1, "{\"usage\":{\"prompt_tokens\":1}}", "no data");
        assertInvalid(1, "{\"data\":[{\"index\":0,\"embedding\":[1]}]", "not a JSON embeddings list");
        assertInvalid(0, "{\"data\":[{\"index\":0,\"embedding\":[1]}]}", "out of range");
    }

    @Test
    void rejectsAVectorLongerThanAnyModelMakes() {
        StringBuilder body = new StringBuilder("{\"data\":[{\"index\":0,\"embedding\":[0");
        body.append(",0".repeat(EmbeddingResponseReader.MAX_DIMENSIONS)).append("]}]}");
        assertInvalid(1, body.toString(), "more than " + EmbeddingResponseReader.MAX_DIMENSIONS);
    }

    @Test
    void aClosedReaderIgnoresLateBytes() {
        EmbeddingResponseReader reader = new EmbeddingResponseReader(TestJson.mapper(), "dep", 1);
        reader.feed("{\"data\":[".getBytes(StandardCharsets.UTF_8));
        reader.close();
        reader.feed("{\"index\":0".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(reader::finish).isInstanceOf(UpstreamException.class);
    }
}
