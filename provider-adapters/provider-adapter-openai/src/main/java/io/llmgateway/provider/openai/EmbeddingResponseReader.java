package io.llmgateway.provider.openai;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.EmbeddingResult;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads OpenAI's embeddings answer ({@code {"data":[{"index":0,"embedding":[...]}],"usage":{...}}}) as its bytes
 * arrive, with Jackson's non-blocking parser, straight into {@code float[]}s.
 *
 * <p>An answer for 2048 inputs of 3072 dimensions is over 100 MB of JSON text but 25 MB of floats: it is never
 * held whole, as text or as a tree. Vectors are placed by {@code index} (by position when an item has none);
 * anything else in the body is skipped. A body of another shape, an index out of range or repeated, vectors of
 * different lengths, or a count of vectors other than the number of inputs is an invalid response.
 *
 * <p>One reader serves one response. {@link #feed} and {@link #close} may be called from different threads (a
 * cancellation races with the arriving bytes) and are serialised.
 */
final class EmbeddingResponseReader implements AutoCloseable {

    /** The longest vector accepted; no embedding model comes close. */
    static final int MAX_DIMENSIONS = 65_536;

    private static final int INITIAL_CAPACITY = 1024;

    private enum State {
        START,
        ROOT,
        DATA_VALUE,
        DATA,
        ITEM,
        INDEX,
        EMBEDDING_VALUE,
        EMBEDDING,
        USAGE_VALUE,
        USAGE,
        PROMPT_TOKENS,
        SKIP,
        DONE
    }

    private final String deployment;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final float[][] vectors;
    private int received;
    private boolean sawData;
    private @Nullable Integer promptTokens;
    private int dimensions = -1;
    private boolean closed;

    private State state = State.START;
    private @Nullable State afterSkip;
    private int skipDepth;

    private int position;
    private int itemIndex;
    private float @Nullable [] itemVector;
    private int itemLength;

    EmbeddingResponseReader(JsonMapper json, String deployment, int inputs) {
        this.deployment = deployment;
        this.vectors = new float[inputs][];
        this.parser = json.createNonBlockingByteArrayParser();
        this.feeder = (ByteArrayFeeder) parser.nonBlockingInputFeeder();
    }

    /** Parses the next bytes of the body. */
    synchronized void feed(byte[] bytes) {
        if (closed) {
            return;
        }
        try {
            feeder.feedInput(bytes, 0, bytes.length);
            drain();
        } catch (JacksonException e) {
            close();
            throw invalid("the body is not a JSON embeddings list");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The vectors, once the whole body has been fed. */
    synchronized EmbeddingResult finish() {
        if (closed) {
            throw invalid("the body was not read to its end");
        }
        try {
            feeder.endOfInput();
            drain();
        } catch (JacksonException e) {
            throw invalid("the body is not a JSON embeddings list");
        } finally {
            close();
        }
        if (state != State.DONE) {
            throw invalid("the body ended before the end of its JSON object");
        }
        if (!sawData) {
            throw invalid("the body has no data array");
        }
        if (received != vectors.length) {
            throw invalid(countMismatch(received));
        }
        return new EmbeddingResult(Arrays.asList(vectors), promptTokens);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            parser.close();
        }
    }

    private void drain() {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            accept(token);
        }
    }

    private void accept(JsonToken token) {
        switch (state) {
            case START -> {
                require(token == JsonToken.START_OBJECT, "the body is not a JSON object");
                state = State.ROOT;
            }
            case ROOT -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.DONE;
                } else {
                    state = switch (parser.currentName()) {
                        case "data" -> State.DATA_VALUE;
                        case "usage" -> State.USAGE_VALUE;
                        default -> skipNextValue(State.ROOT);
                    };
                }
            }
            case DATA_VALUE -> {
                require(token == JsonToken.START_ARRAY, "data is not an array");
                sawData = true;
                state = State.DATA;
            }
            case DATA -> {
                if (token == JsonToken.END_ARRAY) {
                    state = State.ROOT;
                } else {
                    require(token == JsonToken.START_OBJECT, "an item of data is not an object");
                    itemIndex = -1;
                    itemVector = null;
                    state = State.ITEM;
                }
            }
            case ITEM -> {
                if (token == JsonToken.END_OBJECT) {
                    store();
                    state = State.DATA;
                } else {
                    state = switch (parser.currentName()) {
                        case "index" -> State.INDEX;
                        case "embedding" -> State.EMBEDDING_VALUE;
                        default -> skipNextValue(State.ITEM);
                    };
                }
            }
            case INDEX -> {
                require(token == JsonToken.VALUE_NUMBER_INT, "an index is not an integer");
                long index = parser.getLongValue();
                if (index < 0 || index >= vectors.length) {
                    throw invalid("index " + index + " is out of range for " + vectors.length + " inputs");
                }
                itemIndex = (int) index;
                state = State.ITEM;
            }
            case EMBEDDING_VALUE -> {
                require(token == JsonToken.START_ARRAY, "an embedding is not an array of numbers");
                itemVector = new float[dimensions > 0 ? dimensions : INITIAL_CAPACITY];
                itemLength = 0;
                state = State.EMBEDDING;
            }
            case EMBEDDING -> {
                if (token == JsonToken.END_ARRAY) {
                    state = State.ITEM;
                } else {
                    require(token.isNumeric(), "an embedding is not an array of numbers");
                    append(parser.getFloatValue());
                }
            }
            case USAGE_VALUE -> state = token == JsonToken.START_OBJECT ? State.USAGE : skipValue(token, State.ROOT);
            case USAGE -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.ROOT;
                } else {
                    state = "prompt_tokens".equals(parser.currentName())
                            ? State.PROMPT_TOKENS
                            : skipNextValue(State.USAGE);
                }
            }
            case PROMPT_TOKENS -> {
                if (token == JsonToken.VALUE_NUMBER_INT) {
                    long tokens = parser.getLongValue();
                    promptTokens = tokens >= 0 && tokens <= Integer.MAX_VALUE ? (int) tokens : null;
                }
                state = skipValue(token, State.USAGE);
            }
            case SKIP -> {
                if (token.isStructStart()) {
                    skipDepth++;
                } else if (token.isStructEnd()) {
                    skipDepth--;
                }
                if (skipDepth == 0) {
                    state = Objects.requireNonNull(afterSkip, "set with the SKIP state");
                }
            }
            case DONE -> throw invalid("there is more after the JSON object");
            default -> throw new IllegalStateException(state.name());
        }
    }

    /** The state that skips the value whose name was just read, then returns to {@code then}. */
    private State skipNextValue(State then) {
        afterSkip = then;
        skipDepth = 0;
        return State.SKIP;
    }

    /** The state after {@code token}, the first of a value to ignore: {@code then}, or skipping a structure. */
    private State skipValue(JsonToken token, State then) {
        if (!token.isStructStart()) {
            return then;
        }
        afterSkip = then;
        skipDepth = 1;
        return State.SKIP;
    }

    private void append(float value) {
        float[] vector = Objects.requireNonNull(itemVector, "allocated at the embedding's start");
        if (itemLength == vector.length) {
            if (itemLength >= MAX_DIMENSIONS) {
                throw invalid("an embedding has more than " + MAX_DIMENSIONS + " dimensions");
            }
            vector = Arrays.copyOf(vector, Math.min(MAX_DIMENSIONS, itemLength * 2));
            itemVector = vector;
        }
        vector[itemLength++] = value;
    }

    private void store() {
        int index = itemIndex >= 0 ? itemIndex : position;
        position++;
        if (itemVector == null) {
            throw invalid("an item of data has no embedding");
        }
        if (index >= vectors.length) {
            throw invalid("it returned more embeddings than the " + vectors.length + " inputs");
        }
        if (vectors[index] != null) {
            throw invalid("index " + index + " appears twice");
        }
        if (itemLength == 0) {
            throw invalid("an embedding is empty");
        }
        if (dimensions < 0) {
            dimensions = itemLength;
        } else if (itemLength != dimensions) {
            throw invalid("the embeddings have different lengths (" + dimensions + " and " + itemLength + ")");
        }
        vectors[index] = itemVector.length == itemLength ? itemVector : Arrays.copyOf(itemVector, itemLength);
        itemVector = null;
        received++;
    }

    private String countMismatch(int count) {
        return "it returned " + count + " embeddings for " + vectors.length + " inputs";
    }

    private void require(boolean condition, String detail) {
        if (!condition) {
            throw invalid(detail);
        }
    }

    private UpstreamException invalid(String detail) {
        return UpstreamException.invalidResponse(deployment, detail);
    }
}
