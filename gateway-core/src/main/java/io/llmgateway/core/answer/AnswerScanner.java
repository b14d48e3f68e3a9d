package io.llmgateway.core.answer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an upstream's {@code chat.completion} or {@code chat.completion.chunk} in one streaming pass over its bytes,
 * without building objects: the offsets of what the gateway may change and the facts it meters
 * ({@link ScannedAnswer}). Every other byte is left as it came, so the answer can be passed on byte for byte, in the
 * upstream's key order, with nothing added that the upstream did not send.
 */
public final class AnswerScanner {

    /**
     * The token stream factory of the gateway's mapper (its read limits). Parsers are made from it without a mapper's
     * deserialization context, which a streaming pass never uses and which a mapper makes for every parser. (Its
     * property-name table stays: without it Jackson parses UTF-8 through a character reader, with no byte offsets.)
     */
    private final TokenStreamFactory tokens;

    /** A scanner reading with {@code json}'s settings; it is thread-safe, one per adapter is enough. */
    public AnswerScanner(JsonMapper json) {
        this.tokens = json.tokenStreamFactory();
    }

    /**
     * Scans one JSON object.
     *
     * @throws NotAnObjectException when the bytes are not one well-formed JSON object
     */
    public ScannedAnswer scan(byte[] json) {
        try (JsonParser parser = tokens.createParser(ObjectReadContext.empty(), json)) {
            return new Scan(parser, json).run();
        } catch (JacksonException e) {
            throw new NotAnObjectException("not well-formed JSON: " + e.getOriginalMessage());
        }
    }

    /** The bytes are not one well-formed JSON object. */
    public static final class NotAnObjectException extends RuntimeException {

        NotAnObjectException(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of one pass. */
    private static final class Scan {

        private final JsonParser parser;
        private final byte[] json;
        private int modelStart = -1;
        private int modelEnd = -1;
        private int usageStart = -1;
        private int usageEnd = -1;
        private boolean usageIsObject;
        private boolean usageHasFields;
        private @Nullable Integer promptTokens;
        private @Nullable Integer completionTokens;
        private @Nullable Integer cachedTokens;
        private int choices = -1;
        private int choicesWithMessage;
        private @Nullable String finishReason;
        private @Nullable StringBuilder text;
        private boolean error;

        Scan(JsonParser parser, byte[] json) {
            this.parser = parser;
            this.json = json;
        }

        ScannedAnswer run() {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnObjectException("not a JSON object");
            }
            int objectStart = offset();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "model" -> model(value);
                    case "choices" -> choices(value);
                    case "usage" -> usage(value);
                    case "error" -> {
                        error = value != JsonToken.VALUE_NULL;
                        parser.skipChildren();
                    }
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new NotAnObjectException("not a JSON object");
            }
            int objectEnd = offset();
            if (parser.nextToken() != null) {
                throw new NotAnObjectException("more than one JSON value");
            }
            return new ScannedAnswer(
                    json,
                    objectStart,
                    objectEnd,
                    modelStart,
                    modelEnd,
                    usageStart,
                    usageEnd,
                    usageIsObject,
                    usageHasFields,
                    promptTokens,
                    completionTokens,
                    cachedTokens,
                    choices,
                    choicesWithMessage,
                    finishReason,
                    text == null ? "" : text.toString(),
                    error);
        }

        private int offset() {
            return (int) parser.currentTokenLocation().getByteOffset();
        }

        private int end() {
            return (int) parser.currentLocation().getByteOffset();
        }

        /** The span of the model's value, whatever its type, so that exactly that value is replaced. */
        private void model(JsonToken value) {
            modelStart = offset();
            if (value == JsonToken.VALUE_STRING) {
                parser.getString();
            } else {
                parser.skipChildren();
            }
            modelEnd = end();
        }

        private void choices(JsonToken value) {
            if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return;
            }
            choices = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                choices++;
                if (parser.currentToken() == JsonToken.START_OBJECT) {
                    choice();
                } else {
                    parser.skipChildren();
                }
            }
        }

        private void choice() {
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ((name.equals("message") || name.equals("delta")) && value == JsonToken.START_OBJECT) {
                    choicesWithMessage++;
                    message();
                } else if (name.equals("finish_reason") && value == JsonToken.VALUE_STRING) {
                    if (finishReason == null) {
                        finishReason = parser.getString();
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }

        /** A message or delta: the text it delivers. */
        private void message() {
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "content" -> content(value);
                    case "refusal", "reasoning_content", "reasoning" -> appendIfString(value);
                    case "tool_calls" -> toolCalls(value);
                    default -> parser.skipChildren();
                }
            }
        }

        private void content(JsonToken value) {
            if (value == JsonToken.VALUE_STRING) {
                append(parser.getString());
            } else if (value == JsonToken.START_ARRAY) {
                // content parts: the text of each text part
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (parser.currentToken() != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        continue;
                    }
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = parser.currentName();
                        JsonToken part = parser.nextToken();
                        if (name.equals("text")) {
                            appendIfString(part);
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
            } else {
                parser.skipChildren();
            }
        }

        private void toolCalls(JsonToken value) {
            if (value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    JsonToken call = parser.nextToken();
                    if (name.equals("function") && call == JsonToken.START_OBJECT) {
                        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                            String field = parser.currentName();
                            JsonToken fieldValue = parser.nextToken();
                            if (field.equals("name") || field.equals("arguments")) {
                                appendIfString(fieldValue);
                            } else {
                                parser.skipChildren();
                            }
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        }

        private void usage(JsonToken value) {
            usageStart = offset();
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                usageEnd = end();
                return;
            }
            usageIsObject = true;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                usageHasFields = true;
                String name = parser.currentName();
                JsonToken field = parser.nextToken();
                switch (name) {
                    case "prompt_tokens" -> promptTokens = count(field);
                    case "completion_tokens" -> completionTokens = count(field);
                    case "prompt_tokens_details" -> promptDetails(field);
                    default -> parser.skipChildren();
                }
            }
            usageEnd = end();
        }

        private void promptDetails(JsonToken value) {
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken field = parser.nextToken();
                if (name.equals("cached_tokens")) {
                    cachedTokens = count(field);
                } else {
                    parser.skipChildren();
                }
            }
        }

        /** A token count: a non-negative int, else none (an upstream's nonsense is not billed). */
        private @Nullable Integer count(JsonToken value) {
            if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
                parser.skipChildren();
                return null;
            }
            int count = parser.getIntValue();
            return count >= 0 ? count : null;
        }

        private void appendIfString(JsonToken value) {
            if (value == JsonToken.VALUE_STRING) {
                append(parser.getString());
            } else {
                parser.skipChildren();
            }
        }

        private void append(String piece) {
            if (piece.isEmpty()) {
                return;
            }
            if (text == null) {
                text = new StringBuilder(piece.length());
            }
            text.append(piece);
        }
    }
}
