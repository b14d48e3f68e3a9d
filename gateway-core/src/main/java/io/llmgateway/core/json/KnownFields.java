package io.llmgateway.core.json;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The check of a body read as a tree whose every field the gateway interprets (see {@link StrictBody}). */
public final class KnownFields {

    private KnownFields() {}

    /**
     * Refuses a field of {@code object} that is not among {@code known}: a 400 naming it.
     *
     * @param prefix the path of {@code object} in the body, e.g. {@code expires_after}, or empty for the body itself
     */
    public static void check(@Nullable JsonNode object, String prefix, Set<String> known) {
        if (object == null || !object.isObject()) {
            return;
        }
        for (String name : object.propertyNames()) {
            if (!known.contains(name)) {
                String param = prefix.isEmpty() ? name : prefix + "." + name;
                throw unrecognized(param);
            }
        }
    }

    /** The 400 for a field the gateway does not know. */
    public static InvalidRequestException unrecognized(String param) {
        return InvalidRequestException.invalidParameter(
                param, "Unrecognized request argument supplied: " + param + ".");
    }
}
