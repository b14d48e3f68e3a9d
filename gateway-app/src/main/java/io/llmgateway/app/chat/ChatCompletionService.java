package io.llmgateway.app.chat;

import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.RouteExecutor;
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
    private final RouteExecutor executor;

    public ChatCompletionService(ModelRouter router, RequestProfiler profiler, RouteExecutor executor) {
        this.router = router;
        this.profiler = profiler;
        this.executor = executor;
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

    /** A non-streamed completion, from the first deployment of the route that answers. */
    public Mono<ChatCompletion> complete(RequestContext context) {
        ChatCompletionRequest request = context.request().withStreaming(null, null);
        return executor.execute(context.route(), target ->
                        target.provider().complete(request.withModel(target.upstreamModel())).flux())
                // single(), not next(): next() cancels before completion and the circuit would never see a success
                .single()
                .map(completion -> completion.withModel(context.requestedModel()));
    }

    /**
     * A streamed completion, chunk by chunk as the upstream sends them. When the deployment can report usage on a
     * stream, the gateway always asks for it (so usage is always known) and removes the usage chunk again if the
     * client did not ask for it.
     */
    public Flux<ChatCompletionChunk> stream(RequestContext context) {
        boolean clientWantsUsage = context.request().wantsStreamUsage();
        Flux<ChatCompletionChunk> chunks = executor.execute(context.route(), target -> {
            StreamOptions options = target.streamUsage() && !clientWantsUsage
                    ? withUsage(context.request().streamOptions())
                    : context.request().streamOptions();
            return target.provider().stream(context.request().withModel(target.upstreamModel())
                    .withStreaming(true, options));
        }).map(chunk -> chunk.withModel(context.requestedModel()));
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
