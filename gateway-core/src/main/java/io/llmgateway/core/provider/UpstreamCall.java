package io.llmgateway.core.provider;

import io.llmgateway.core.protocol.ChatCompletionRequest;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chat call to one deployment: the JSON body to send, which is the client's body in the client's order with only
 * what the gateway must change changed (the upstream's model name, {@code stream}, {@code stream_options}, what the
 * model's profile dropped or filled in), and the same request typed, for adapters that read a parameter.
 *
 * <p>The body's top level belongs to this call: an adapter may set or remove top-level members (copy it first with
 * {@link #withBody}); nested values are shared with the client's request and are never changed.
 *
 * @param request      the checked and completed request, typed
 * @param body         the JSON to send
 * @param upstreamWait stamped by the adapter when the request has been written, for the gateway's overhead
 */
public record UpstreamCall(ChatCompletionRequest request, ObjectNode body, UpstreamWait upstreamWait) {

    /** A call whose sending nobody reads. */
    public UpstreamCall(ChatCompletionRequest request, ObjectNode body) {
        this(request, body, new UpstreamWait());
    }

    /** The model name the upstream is asked for. */
    public String model() {
        JsonNode model = body.get("model");
        return model != null && model.isString()
                ? model.stringValue()
                : Objects.requireNonNull(request.model(), "a routed request names its model");
    }

    /** Whether the call is a stream. */
    public boolean streaming() {
        JsonNode stream = body.get("stream");
        return stream != null && stream.isBoolean() && stream.booleanValue();
    }

    /** Whether a stream is asked to end with a usage chunk ({@code stream_options.include_usage}). */
    public boolean includeUsage() {
        JsonNode options = body.get("stream_options");
        return options != null && options.path("include_usage").asBoolean(false);
    }

    /** A copy of the body's top level, for an adapter to change. */
    public ObjectNode copyOfBody() {
        ObjectNode copy = body.objectNode();
        copy.setAll(body);
        return copy;
    }

    /** The same request with another body (see {@link #copyOfBody}). */
    public UpstreamCall withBody(ObjectNode changed) {
        return new UpstreamCall(request, changed, upstreamWait);
    }
}
