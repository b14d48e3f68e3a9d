package io.llmgateway.core.json;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON configuration of the wire format, in one place.
 *
 * <p>Strict where OpenAI is strict: a string is not silently turned into a number and a fraction is not
 * truncated into an integer, so {@code "temperature": "hot"} or {@code "n": 1.5} is a 400 naming the field.
 * Unknown fields are never an error: the records keep them for pass-through.
 */
public final class GatewayJson {

    private static final JsonMapper MAPPER = newMapper();

    private GatewayJson() {
    }

    /** A new mapper with the gateway's wire settings; mappers are thread-safe, share one where possible. */
    public static JsonMapper newMapper() {
        return JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .addModule(new RecordCreators())
                .build();
    }

    /** The shared mapper with the wire settings. */
    public static JsonMapper mapper() {
        return MAPPER;
    }
}
