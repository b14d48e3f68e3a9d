package io.llmgateway.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.error.InvalidRequestException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

class BodyReaderTests {

    private static final JsonMapper JSON = GatewayJson.newRequestMapper();

    /** A body with one field that may be absent, null or a string. */
    @JsonDeserialize(using = Rename.Reader.class)
    record Rename(Patch<String> name) {

        static Rename from(JsonNode body) {
            if (body == null || !body.isObject()) {
                throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
            }
            JsonNode name = body.get("name");
            if (name == null) {
                return new Rename(Patch.absent());
            }
            if (!name.isNull() && !name.isString()) {
                throw InvalidRequestException.invalidParameter("name", "'name' must be a string or null.");
            }
            return new Rename(Patch.of(name.isNull() ? null : name.stringValue()));
        }

        static final class Reader extends BodyReader<Rename> {
            Reader() {
                super(Rename::from);
            }
        }
    }

    @Test
    void theFactoryTellsAnAbsentFieldFromANullOne() {
        assertThat(JSON.readValue("{}", Rename.class).name()).isEqualTo(Patch.absent());
        assertThat(JSON.readValue("{\"name\":null}", Rename.class).name().isNull())
                .isTrue();
        assertThat(JSON.readValue("{\"name\":\"n\"}", Rename.class).name()).isEqualTo(Patch.of("n"));
    }

    @Test
    void theFactorysRefusalComesOutAsItIs() {
        assertThatThrownBy(() -> JSON.readValue("{\"name\":5}", Rename.class))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("'name' must be a string or null.");
        assertThatThrownBy(() -> JSON.readValue("[1]", Rename.class))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("The request body must be a JSON object.");
    }

    @Test
    void aNullBodyIsTheFactorysToJudge() {
        assertThatThrownBy(() -> JSON.readValue("null", Rename.class))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("The request body must be a JSON object.");
    }

    @Test
    void aPatchMapsOnlyAValue() {
        assertThat(Patch.<String>absent().map(String::length)).isEqualTo(Patch.absent());
        assertThat(Patch.<String>of(null).map(String::length)).isEqualTo(Patch.of(null));
        assertThat(Patch.of("abc").map(String::length)).isEqualTo(Patch.of(3));
        assertThat(Patch.<String>absent().orElse("kept")).isEqualTo("kept");
        assertThat(Patch.<String>of(null).orElse("kept")).isNull();
        assertThatThrownBy(() -> new Patch<>(false, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
