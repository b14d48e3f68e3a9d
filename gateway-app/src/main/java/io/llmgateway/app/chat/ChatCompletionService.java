package io.llmgateway.app.chat;

import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.profile.RequestProfiler;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.StreamOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The path of a chat completion between the HTTP surface and the provider: checks, route, upstream call,
 * and the public model id restored on every answer.
 */
public class ChatCompletionService {

    private final ModelRouter router;
    private final RequestProfiler profiler;

    public ChatCompletionService(ModelRouter router, RequestProfiler profiler) {
        this.router = router;
        this.profiler = profiler;
    }

    /**
     * Checks the request, resolves its route, checks that the caller's project may use the model, then checks
     * and completes the request with the model's profile; throws the 4xx to answer instead (404 for an unknown
     * model before 403 for a forbidden one before 400 for a parameter).
     */
    public RequestContext admit(String requestId, Caller caller, ChatCompletionRequest request, long startedNanos) {
        ChatRequestChecks.check(request);
        Route route = router.resolve(request.model());
        if (!caller.mayUse(route.modelId())) {
            throw AccessException.modelNotAllowed(route.modelId());
        }
        RequestProfiler.Profiled profiled = profiler.apply(request, route.profile(), route.defaults(),
                route.contextLength());
        return new RequestContext(requestId, caller, profiled.request(), profiled.dropped(), route, startedNanos);
    }

    /** A non-streamed completion. */
    public Mono<ChatCompletion> complete(RequestContext context) {
        Route route = context.route();
        ChatCompletionRequest upstream = context.request().withModel(route.upstreamModel())
                .withStreaming(null, null);
        return route.provider().complete(upstream)
                .map(completion -> completion.withModel(context.requestedModel()));
    }

    /**
     * A streamed completion, chunk by chunk as the upstream sends them. When the deployment can report usage on a
     * stream, the gateway always asks for it (so usage is always known) and removes the usage chunk again if the
     * client did not ask for it.
     */
    public Flux<ChatCompletionChunk> stream(RequestContext context) {
        Route route = context.route();
        boolean clientWantsUsage = context.request().wantsStreamUsage();
        StreamOptions options = route.streamUsage() && !clientWantsUsage
                ? withUsage(context.request().streamOptions())
                : context.request().streamOptions();
        ChatCompletionRequest upstream = context.request().withModel(route.upstreamModel())
                .withStreaming(true, options);
        Flux<ChatCompletionChunk> chunks = route.provider().stream(upstream)
                .map(chunk -> chunk.withModel(context.requestedModel()));
        return clientWantsUsage ? chunks : chunks.filter(chunk -> !chunk.isUsageOnly());
    }

    private static StreamOptions withUsage(StreamOptions options) {
        if (options == null) {
            return StreamOptions.includingUsage();
        }
        java.util.Map<String, tools.jackson.databind.JsonNode> extra = new java.util.LinkedHashMap<>(options.extra());
        return new StreamOptions(true, extra);
    }
}
