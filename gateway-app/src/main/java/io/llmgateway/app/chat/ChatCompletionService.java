package io.llmgateway.app.chat;

import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.retrieval.ChatRetrieval;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.MeteredRequest;
import io.llmgateway.app.usage.Price;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.app.usage.UsageMeter;
import io.llmgateway.app.usage.UsageMeters;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.profile.RequestProfiler;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.StreamOptions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The path of a chat completion between the HTTP surface and the provider: checks, route, admission against
 * limits and budgets, the upstream call, the usage meter, and the public model id restored on every answer.
 */
public class ChatCompletionService {

    private final ModelRouter router;
    private final RequestProfiler profiler;
    private final RouteExecutor executor;
    private final Admission admission;
    private final UsageMeters meters;
    private final UsageLedger ledger;
    private final TokenCounting tokenizer;
    private final LimitsProperties limits;
    private final Clock clock;
    private final ChatRetrieval retrieval;

    public ChatCompletionService(ModelRouter router, RequestProfiler profiler, RouteExecutor executor,
                                 Admission admission, UsageMeters meters, UsageLedger ledger,
                                 TokenCounting tokenizer, LimitsProperties limits, Clock clock,
                                 ChatRetrieval retrieval) {
        this.router = router;
        this.profiler = profiler;
        this.executor = executor;
        this.admission = admission;
        this.meters = meters;
        this.ledger = ledger;
        this.tokenizer = tokenizer;
        this.limits = limits;
        this.clock = clock;
        this.retrieval = retrieval;
    }

    /**
     * Checks the request, resolves its route, checks that the caller's project may use the model, then checks
     * and completes the request with the model's profile; throws the 4xx to answer instead (404 for an unknown
     * model before 403 for a forbidden one before 400 for a parameter). The prompt is not counted yet
     * ({@link #count}).
     */
    public RequestContext check(String requestId, Caller caller, ChatCompletionRequest request, long startedNanos) {
        ChatRequestChecks.check(request);
        Route route = router.resolve(request.model());
        if (!caller.mayUse(route.modelId())) {
            throw AccessException.modelNotAllowed(route.modelId());
        }
        if (route.isEmbedding()) {
            throw InvalidRequestException.wrongModelType(route.modelId(), "an embedding", "/v1/embeddings");
        }
        boolean logPrompt = Boolean.TRUE.equals(request.logPrompt());
        if (logPrompt && !caller.project().promptLogging()) {
            throw InvalidRequestException.invalidParameter("log_prompt", "Project '" + caller.projectId()
                    + "' does not allow prompt logging; an admin can allow it with PATCH /admin/v1/projects/"
                    + caller.projectId() + " {\"prompt_logging\": true}.");
        }
        // rag_params is the gateway's own: checked here for every model, removed before the profile sees it
        ChatRetrieval.Query rag = null;
        if (request.ragParams() != null) {
            if (!request.ragParams().isNull()) {
                if (retrieval == null) {
                    throw InvalidRequestException.invalidParameter("rag_params", "Retrieval is not available.");
                }
                rag = retrieval.parse(request.ragParams(), caller);
            }
            request = request.withoutRagParams();
        }
        RequestProfiler.Profiled profiled = profiler.apply(request.logPrompt() == null ? request
                : request.withoutLogPrompt(), route.profile(), route.defaults(), route.contextLength());
        return new RequestContext(requestId, caller, profiled.request(), profiled.dropped(), route, clock.instant(),
                startedNanos, 0, logPrompt, rag, null);
    }

    /**
     * Counts the prompt's tokens (a long prompt off the event loop, see {@link TokenCounting}) and checks that it
     * fits in the model's context length with its completion allowance.
     */
    public Mono<RequestContext> count(RequestContext context) {
        return tokenizer.countPrompt(context.caller().keyId(), context.request().messages()).map(promptTokens -> {
            Integer contextLength = context.route().contextLength();
            if (contextLength != null) {
                RequestProfiler.checkPromptFits(context.request(), promptTokens, contextLength);
            }
            return context.withPromptTokens(promptTokens);
        });
    }

    /**
     * Retrieval for {@code rag_params}, off the event loop: the passages found are added to the messages the way
     * the model's profile says (a {@code context} message for profiles with that role, else a system message), and
     * the prompt tokens are counted again with them, so that admission and usage include them. A request without
     * {@code rag_params} passes unchanged.
     */
    public Mono<RequestContext> retrieve(RequestContext context) {
        if (context.rag() == null) {
            return Mono.just(context);
        }
        boolean contextRole = context.route().profile().messages().roles().contains("context");
        return retrieval.retrieve(context.caller(), context.requestId(), context.rag(),
                        context.request().messages(), contextRole)
                .flatMap(result -> {
                    ChatCompletionRequest augmented = context.request().withMessages(result.messages());
                    return tokenizer.countPrompt(context.caller().keyId(), augmented.messages()).map(promptTokens -> {
                        checkContextWithPassages(context, promptTokens, result.sources().size());
                        return new RequestContext(context.requestId(), context.caller(), augmented,
                                context.droppedParams(), context.route(), context.receivedAt(),
                                context.startedNanos(), promptTokens, context.logPrompt(), context.rag(), result);
                    });
                });
    }

    /**
     * The profile checked the prompt against the model's context length before retrieval; the passages make it
     * longer, so it is checked again: a 400 naming {@code rag_params.max_num_results}, never an upstream's error.
     */
    private static void checkContextWithPassages(RequestContext context, int promptTokens, int passages) {
        Integer contextLength = context.route().contextLength();
        if (contextLength == null || passages == 0) {
            return;
        }
        ChatCompletionRequest request = context.request();
        Integer max = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        long needed = (long) promptTokens + (max == null ? 0 : max);
        if (needed > contextLength) {
            throw InvalidRequestException.invalidParameter("rag_params.max_num_results", "With the " + passages
                    + " retrieved passage(s) the prompt is about " + promptTokens + " tokens"
                    + (max == null ? "" : ", plus " + max + " for the completion,") + " over the model's context"
                    + " length of " + contextLength + " tokens; ask for fewer passages (rag_params.max_num_results)"
                    + (max == null ? "." : " or a smaller max_tokens."));
        }
    }

    /**
     * Admission: reserves the prompt and the completion allowance against the project's and key's limits. A
     * refused request leaves a {@code rejected} usage record and fails with 429 ({@link Admission.Refused}); so
     * does one that cannot be admitted because the limits backend is unreachable (503). Only a full ledger buffer
     * refuses a request without a record (there is no room for one).
     */
    public Mono<AdmittedRequest> admit(RequestContext context) {
        if (!ledger.tryOpen()) {
            return Mono.error(ledger.refusal());
        }
        // from here on, every way out (admitted, refused, failed, cancelled) ends this one meter, exactly once
        MeteredRequest.DeferredSettlement settlement = new MeteredRequest.DeferredSettlement();
        UsageMeter meter = meters.start(metered(context, settlement));
        Price price = context.route().price();
        long allowance = completionAllowance(context);
        long reservedTokens = context.promptTokens() + allowance;
        long reservedCost = price.costPicos(context.promptTokens(), 0, allowance);
        Caller caller = context.caller();
        return admission.admit(caller.projectId(), caller.keyId(), reservedTokens, reservedCost)
                .map(ticket -> {
                    settlement.settleWith(ticket::settle);
                    return new AdmittedRequest(context, meter, ticket.headers());
                })
                .doOnError(error -> meter.rejected(rejectionCode(error)))
                .doOnCancel(meter::cancelledBeforeAdmission);
    }

    private static String rejectionCode(Throwable error) {
        if (error instanceof Admission.Refused refused) {
            return refused.error().code();
        }
        return error instanceof GatewayException gateway && gateway.code() != null ? gateway.code() : "internal_error";
    }

    /** The completion tokens reserved: {@code max_completion_tokens} or {@code max_tokens}, times {@code n}. */
    private long completionAllowance(RequestContext context) {
        ChatCompletionRequest request = context.request();
        Integer max = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        long allowance;
        if (max != null) {
            allowance = max;
        } else {
            allowance = limits.defaultMaxTokens();
            Integer contextLength = context.route().contextLength();
            if (contextLength != null) {
                allowance = Math.min(allowance, Math.max(0, contextLength - context.promptTokens()));
            }
        }
        int choices = request.n() == null ? 1 : Math.max(1, request.n());
        return allowance * choices;
    }

    private static MeteredRequest metered(RequestContext context, MeteredRequest.Settlement settlement) {
        ChatCompletionRequest request = context.request();
        Caller caller = context.caller();
        return new MeteredRequest(context.requestId(), context.receivedAt(), context.startedNanos(),
                caller.keyId(), caller.userId(), caller.projectId(), context.requestedModel(), request.streaming(),
                request.chatId(), request.user(), context.rag() != null, context.logPrompt(), context.promptTokens(),
                request.messages(), context.route().price(), settlement);
    }

    /** A non-streamed completion, from the first deployment of the route that answers, with its usage metered. */
    public Mono<ChatCompletion> complete(AdmittedRequest admitted) {
        RequestContext context = admitted.context();
        UsageMeter meter = admitted.meter();
        ChatCompletionRequest request = context.request().withStreaming(null, null);
        Mono<ChatCompletion> upstream = executor.execute(context.route(), target -> {
                    meter.calling(target.deployment());
                    return target.provider().complete(request.withModel(target.upstreamModel())).flux();
                })
                // single(), not next(): next() cancels before completion and the circuit would never see a success
                .single()
                .map(completion -> completion.withModel(context.requestedModel()));
        JsonNode rag = context.ragResult() == null ? null : context.ragResult().rag();
        return rag == null ? meter.meter(upstream) : meter.meter(upstream).map(completion -> {
            completion.extra().put("rag", rag);
            return completion;
        });
    }

    /**
     * A streamed completion, chunk by chunk as the upstream sends them. When the deployment can report usage on a
     * stream, the gateway always asks for it (so usage is always exact) and removes the usage chunk again if the
     * client did not ask for it.
     */
    public Flux<ChatCompletionChunk> stream(AdmittedRequest admitted) {
        RequestContext context = admitted.context();
        UsageMeter meter = admitted.meter();
        boolean clientWantsUsage = context.request().wantsStreamUsage();
        Flux<ChatCompletionChunk> chunks = executor.execute(context.route(), target -> {
            meter.calling(target.deployment());
            StreamOptions options = target.streamUsage() && !clientWantsUsage
                    ? withUsage(context.request().streamOptions())
                    : context.request().streamOptions();
            return target.provider().stream(context.request().withModel(target.upstreamModel())
                    .withStreaming(true, options));
        }).map(chunk -> chunk.withModel(context.requestedModel()));
        JsonNode rag = context.ragResult() == null ? null : context.ragResult().rag();
        if (rag != null) {
            // the sources ride on the first chunk (the official SDKs ignore the unknown field)
            Flux<ChatCompletionChunk> plain = chunks;
            chunks = Flux.defer(() -> {
                AtomicBoolean first = new AtomicBoolean(true);
                return plain.map(chunk -> first.compareAndSet(true, false) ? withRag(chunk, rag) : chunk);
            });
        }
        return meter.meter(chunks, clientWantsUsage,
                metered -> clientWantsUsage ? metered : metered.filter(chunk -> !chunk.isUsageOnly()));
    }

    private static ChatCompletionChunk withRag(ChatCompletionChunk chunk, JsonNode rag) {
        Map<String, JsonNode> extra = new LinkedHashMap<>(chunk.extra());
        extra.put("rag", rag);
        return new ChatCompletionChunk(chunk.id(), chunk.object(), chunk.created(), chunk.model(), chunk.choices(),
                chunk.usage(), chunk.systemFingerprint(), chunk.serviceTier(), extra);
    }

    private static StreamOptions withUsage(StreamOptions options) {
        if (options == null) {
            return StreamOptions.includingUsage();
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>(options.extra());
        return new StreamOptions(true, extra);
    }
}
