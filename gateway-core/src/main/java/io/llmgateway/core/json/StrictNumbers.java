package io.llmgateway.core.json;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Floating-point fields take JSON numbers and nothing else. Jackson reads the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"} into a double even with scalar coercion off, so a
 * {@code "temperature": "NaN"} passed every range check (NaN compares false) and was forwarded; here it is a 400
 * naming the field, like any other string where a number belongs. A number too large for a double never gets here
 * ({@link JsonTextGuard} refuses it).
 */
final class StrictNumbers extends SimpleModule {

    StrictNumbers() {
        super("gateway-strict-numbers");
        addDeserializer(Double.class, new FiniteDouble(Double.class));
        addDeserializer(double.class, new FiniteDouble(double.class));
        addDeserializer(Float.class, new FiniteFloat(Float.class));
        addDeserializer(float.class, new FiniteFloat(float.class));
        addDeserializer(Number.class, new NumberOnly());
    }

    private static boolean isNumber(JsonParser p) {
        return p.hasToken(JsonToken.VALUE_NUMBER_INT) || p.hasToken(JsonToken.VALUE_NUMBER_FLOAT);
    }

    private static final class FiniteDouble extends StdScalarDeserializer<Double> {

        FiniteDouble(Class<?> type) {
            super(type);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext context) {
            if (isNumber(p)) {
                double value = p.getDoubleValue();
                if (Double.isFinite(value)) {
                    return value;
                }
                return (Double) context.handleWeirdNumberValue(Double.class, value, "not a finite number");
            }
            return (Double) context.handleUnexpectedToken(Double.class, p);
        }
    }

    private static final class FiniteFloat extends StdScalarDeserializer<Float> {

        FiniteFloat(Class<?> type) {
            super(type);
        }

        @Override
        public Float deserialize(JsonParser p, DeserializationContext context) {
            if (isNumber(p)) {
                float value = p.getFloatValue();
                if (Float.isFinite(value)) {
                    return value;
                }
                return (Float) context.handleWeirdNumberValue(Float.class, value, "not a finite number");
            }
            return (Float) context.handleUnexpectedToken(Float.class, p);
        }
    }

    private static final class NumberOnly extends StdScalarDeserializer<Number> {

        NumberOnly() {
            super(Number.class);
        }

        @Override
        public Number deserialize(JsonParser p, DeserializationContext context) {
            if (isNumber(p)) {
                return p.getNumberValue();
            }
            return (Number) context.handleUnexpectedToken(Number.class, p);
        }
    }
}
