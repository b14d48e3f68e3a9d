package io.llmgateway.core.profile;

import tools.jackson.databind.JsonNode;

/** The JSON type a parameter must have; its name in configuration is the lower-case, dashed form. */
public enum ParamType {
    NUMBER("a number"),
    INTEGER("an integer"),
    BOOLEAN("a boolean"),
    STRING("a string"),
    STRING_OR_LIST("a string or a list of strings"),
    OBJECT("an object"),
    ARRAY("an array"),
    /** {@code rag_params}: an object of the shape {@link RagParamsShape} defines. */
    RAG_PARAMS("an object of retrieval parameters"),
    /** An object whose values are numbers ({@code logit_bias}). */
    NUMBER_MAP("an object of numbers"),
    ANY("any JSON value");

    private final String description;

    ParamType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Whether the value has this type. */
    public boolean accepts(JsonNode value) {
        return switch (this) {
            case NUMBER -> value.isNumber();
            case INTEGER -> value.isIntegralNumber();
            case BOOLEAN -> value.isBoolean();
            case STRING -> value.isString();
            case STRING_OR_LIST -> value.isString() || (value.isArray() && allStrings(value));
            case OBJECT, RAG_PARAMS -> value.isObject();
            case ARRAY -> value.isArray();
            case NUMBER_MAP -> value.isObject() && allNumbers(value);
            case ANY -> true;
        };
    }

    private static boolean allStrings(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isString()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allNumbers(JsonNode object) {
        for (JsonNode element : object.values()) {
            if (!element.isNumber()) {
                return false;
            }
        }
        return true;
    }
}
