package io.llmgateway.core.json;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * The JSON configuration of the wire format, in one place.
 *
 * <p>Strict where OpenAI is strict: a string is not silently turned into a number (not even {@code "NaN"}) and a
 * fraction is not truncated into an integer, so {@code "temperature": "hot"} or {@code "n": 1.5} is a 400 naming the
 * field. Unknown fields are never an error: the records keep them for pass-through. Nesting is limited to
 * {@link JsonTextGuard#MAX_DEPTH} levels and numbers to {@link JsonTextGuard#MAX_NUMBER_LENGTH} characters, as the
 * guard that reads request bodies first says.
 *
 * <p>These are factories: the settings live here, the instances do not. The application makes one mapper of each
 * kind and hands it to whatever needs JSON (a Spring bean, passed to the adapters and stores it builds); a mapper is
 * expensive to make and caches what it learns, so no class keeps one of its own.
 */
public final class GatewayJson {

    private GatewayJson() {}

    /** A new mapper with the gateway's wire settings; mappers are thread-safe, make one and share it. */
    public static JsonMapper newMapper() {
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(JsonTextGuard.MAX_DEPTH)
                                .maxNumberLength(JsonTextGuard.MAX_NUMBER_LENGTH)
                                .build())
                        .build())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .addModule(new RecordCreators())
                .addModule(new StrictNumbers())
                .build();
    }

    /**
     * The mapper of request bodies: the wire settings, and what a client must get right that an upstream's answer is
     * forgiven: a number or boolean where a string belongs ({@code "role": 1}, {@code "id": 5}) is a 400 instead of
     * text, and a key given twice in one object is a 400 instead of the last one silently winning.
     */
    public static JsonMapper newRequestMapper() {
        return newMapper()
                .rebuild()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(
                        LogicalType.Textual,
                        textual -> textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /** The request mapper that also refuses unknown fields, for {@link StrictBody} bodies. */
    public static JsonMapper newStrictMapper() {
        return newRequestMapper()
                .rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }
}
