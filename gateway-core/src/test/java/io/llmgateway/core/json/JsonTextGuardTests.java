package io.llmgateway.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.llmgateway.core.error.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What no store or upstream can hold is refused before parsing, naming the field; everything else passes. */
class JsonTextGuardTests {

    private static InvalidRequestException refused(String json) {
        return catchThrowableOfType(
                InvalidRequestException.class, () -> JsonTextGuard.check(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"user\":\"a\\u0000b\"}|user",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\\u0000\"}]}|messages[0].content",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\\u0000\"}]}]}|messages[1].content[0].text",
                "{\"a\":{\"b\":[1,2,{\"c\":\"\\u0000\"}]}}|a.b[2].c",
                "{\"chat_id\":\"\\ud800\"}|chat_id",
                "{\"chat_id\":\"\\udc00x\"}|chat_id",
                "{\"chat_id\":\"\\ud800\\u0041\"}|chat_id",
                "{\"chat_id\":\"\\ud800x\"}|chat_id",
                "{\"temperature\":1e999}|temperature",
                "{\"temperature\":-1e999}|temperature",
                "{\"n\":1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123}|n",
                "{\"metadata\":{\"k\\u0000\":\"v\"}}|metadata",
            })
    void refusesNamingTheField(String json, String param) {
        InvalidRequestException error = refused(json);
        assertThat(error).as(json).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }

    @Test
    void refusesASurrogateEncodedAsUtf8Bytes() {
        byte[] body = {'{', '"', 'u', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        InvalidRequestException error =
                catchThrowableOfType(InvalidRequestException.class, () -> JsonTextGuard.check(body));
        assertThat(error.param()).isEqualTo("u");
    }

    @Test
    void refusesOverlongFormsThatALenientDecoderTurnsIntoANul() {
        for (byte[] bad : new byte[][] {
            {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xC1, (byte) 0xBF},
            {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}
        }) {
            byte[] body = new byte[8 + bad.length];
            System.arraycopy("{\"u\":\"".getBytes(StandardCharsets.UTF_8), 0, body, 0, 6);
            System.arraycopy(bad, 0, body, 6, bad.length);
            body[6 + bad.length] = '"';
            body[7 + bad.length] = '}';
            InvalidRequestException error =
                    catchThrowableOfType(InvalidRequestException.class, () -> JsonTextGuard.check(body));
            assertThat(error).as(Arrays.toString(bad)).isNotNull();
            assertThat(error.param()).isEqualTo("u");
        }
        assertThatCode(() -> JsonTextGuard.check("{\"u\":\"\u0800 \uD800\uDC00\"}".getBytes(StandardCharsets.UTF_8)))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deep = "[".repeat(JsonTextGuard.MAX_DEPTH + 1) + "]".repeat(JsonTextGuard.MAX_DEPTH + 1);
        assertThat(refused(deep).code()).isEqualTo("invalid_json");
        String fine = "[".repeat(JsonTextGuard.MAX_DEPTH) + "]".repeat(JsonTextGuard.MAX_DEPTH);
        assertThatCode(() -> JsonTextGuard.check(fine.getBytes(StandardCharsets.UTF_8)))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"content\":\"emoji \\ud83d\\ude00 and \\\\u0000 as text\"}",
                "{\"content\":\"é 漢字 😀\"}",
                "{\"temperature\":1e-999,\"top_p\":0.5,\"seed\":-9223372036854775808,\"x\":1E308}",
                "{\"a\":[],\"b\":{},\"c\":null,\"d\":true,\"e\":\"\\\\\\\"\"}",
                "not json at all \\u0000",
                "{\"unterminated\":\"",
            })
    void passesWhatIsFineOrLeavesMalformedTextToTheParser(String json) {
        assertThatCode(() -> JsonTextGuard.check(json.getBytes(StandardCharsets.UTF_8)))
                .as(json)
                .doesNotThrowAnyException();
    }

    @Test
    void isFedBufferByBufferWithEscapesSplitAnywhere() {
        String json = "{\"x\":[\"ok\",\"bad \\ud800\\u0041\"]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            JsonTextGuard guard = new JsonTextGuard();
            int at = cut;
            InvalidRequestException error = catchThrowableOfType(InvalidRequestException.class, () -> {
                guard.feed(ByteBuffer.wrap(bytes, 0, at));
                guard.feed(ByteBuffer.wrap(bytes, at, bytes.length - at));
                guard.finish();
            });
            assertThat(error).as("cut at " + cut).isNotNull();
            assertThat(error.param()).as("cut at " + cut).isEqualTo("x[1]");
        }
    }
}
