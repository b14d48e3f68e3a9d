package io.llmgateway.core.json;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.util.AccessPattern;

/**
 * Reads a typed request body through one function of its record, {@code from(JsonNode)}, which checks the body's
 * tree and builds the record. For bodies whose checks need the whole body rather than one field at a time: a field
 * present or absent ({@link Patch}), OpenAI's own messages per field ({@code 'name' must be a string or null.}),
 * fields checked in a set order, unknown fields refused with their own message or kept for pass-through. The record
 * is what the handler takes; the tree is read in its factory and nowhere else.
 *
 * <p>A 400 the factory throws reaches the error mapper as it is. A body of {@code null} is handed to the factory as
 * {@link NullNode} (Jackson would otherwise make it a missing body), so the factory says what it needs. Use:
 *
 * <pre>{@code
 * @JsonDeserialize(using = UserPatch.Reader.class)
 * public record UserPatch(Patch<String> name) {
 *     static UserPatch from(JsonNode body) { ... }
 *     static final class Reader extends BodyReader<UserPatch> {
 *         Reader() { super(UserPatch::from); }
 *     }
 * }
 * }</pre>
 *
 * @param <T> the record of the body
 */
public abstract class BodyReader<T> extends ValueDeserializer<T> {

    private final Function<JsonNode, T> factory;

    protected BodyReader(Function<JsonNode, T> factory) {
        this.factory = factory;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) {
        return factory.apply(context.readTree(parser));
    }

    @Override
    public T getNullValue(DeserializationContext context) {
        return factory.apply(NullNode.getInstance());
    }

    /** Only a body's own {@code null} is the factory's to judge; nothing else stands in for a missing body. */
    @Override
    public @Nullable Object getAbsentValue(DeserializationContext context) {
        return null;
    }

    @Override
    public @Nullable Object getEmptyValue(DeserializationContext context) {
        return null;
    }

    /** The factory decides about {@code null} each time (it may refuse it), so Jackson must not cache the answer. */
    @Override
    public AccessPattern getNullAccessPattern() {
        return AccessPattern.DYNAMIC;
    }
}
