package io.llmgateway.app.pipeline;

import io.llmgateway.app.lifecycle.StreamShutdown;
import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.limits.Ticket;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.routing.StreamUsage;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.MeteredRequest;
import io.llmgateway.app.usage.TokenSource;
import io.llmgateway.app.usage.UsageRecorder;
import io.llmgateway.app.usage.UsageRecorders;
import io.llmgateway.app.usage.UsageStatus;
import io.llmgateway.app.usage.UsageTokens;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.profile.RequestProfiler;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.core.provider.UpstreamWait;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every model call, one pipeline: chat completions (JSON and streams), embeddings, and the embeddings retrieval makes
 * for ingestion and search. A call goes through the same named stages, top to bottom:
 *
 * <ol>
 *   <li><b>authenticate</b>: done before the pipeline, which receives the verified {@link Caller};</li>
 *   <li><b>route and profile</b>: the model id's route, the project's right to use it, the model's parameter
 *   profile (a 404, 403 or 400 otherwise);</li>
 *   <li><b>check</b>: what must hold before anything is reserved (the prompt counted and fitting the context
 *   length, retrieval's passages added);</li>
 *   <li><b>admit</b>: the request's tokens and cost reserved against the limits and budgets of its project and key;
 *   from here on its {@link UsageRecorder} holds the reservation and records the request exactly once;</li>
 *   <li><b>call</b>: the route's deployments, with retries and fallbacks ({@link RouteExecutor});</li>
 *   <li><b>meter</b>: the answer's usage, as the upstream reports it or as the tokenizer counts it;</li>
 *   <li><b>settle and record</b>: the recorder writes the record and settles the reservation with what was used.</li>
 * </ol>
 *
 * A refusal anywhere is a {@link GatewayException}, written by the one error mapper (a limit's refusal carries its
 * rate-limit headers).
 */
public class ModelCallPipeline {

    /** Embedding requests take at most this many inputs, as OpenAI's. */
    public static final int MAX_EMBEDDING_INPUTS = 2048;

    private final ModelRouter router;
    private final RequestProfiler profiler;
    private final RouteExecutor executor;
    private final Admission admission;
    private final UsageRecorders recorders;
    private final TokenCounting tokenizer;
    private final LimitsProperties limits;
    private final StreamShutdown shutdown;
    private final JsonMapper requests;
    /** The gateway's mapper (the answers' meters write with it). */
    private final JsonMapper json;

    private final Clock clock;
    /**
     * Retrieval, or {@link ChatAugmentation#OFF} when it is switched off; looked up when a request asks for it
     * (retrieval embeds through this pipeline, so it is created after it).
     */
    private final Supplier<ChatAugmentation> augmentation;

    private final WarmUpCaller warmUp;

    public ModelCallPipeline(
            ModelRouter router,
            RequestProfiler profiler,
            RouteExecutor executor,
            Admission admission,
            UsageRecorders recorders,
            TokenCounting tokenizer,
            LimitsProperties limits,
            StreamShutdown shutdown,
            JsonMapper requests,
            JsonMapper json,
            Clock clock,
            Supplier<ChatAugmentation> augmentation,
            WarmUpCaller warmUp) {
        this.router = router;
        this.profiler = profiler;
        this.executor = executor;
        this.admission = admission;
        this.recorders = recorders;
        this.tokenizer = tokenizer;
        this.limits = limits;
        this.shutdown = shutdown;
        this.requests = requests;
        this.json = json;
        this.clock = clock;
        this.augmentation = augmentation;
        this.warmUp = warmUp;
    }

    // ---- chat completions ------------------------------------------------------------------------------------

    /**
     * A chat completion, JSON or streamed as the request says.
     *
     * @param body         the request body, parsed once; its top level becomes the pipeline's
     * @param startedNanos {@link System#nanoTime()} at the request's first byte
     */
    public Mono<ChatAnswer> chat(String requestId, Caller caller, ObjectNode body, long startedNanos) {
        return Mono.fromCallable(() -> routeAndProfile(requestId, caller, body, startedNanos))
                .flatMap(this::countPrompt)
                .flatMap(this::retrieve)
                .flatMap(this::admit)
                .map(admitted -> admitted.call().streaming() ? stream(admitted) : complete(admitted))
                .flatMap(answer -> answer);
    }

    /** Route and profile: the typed request from the body's tree, its route, the caller's right, its profile. */
    private ChatCall routeAndProfile(String requestId, Caller caller, ObjectNode body, long startedNanos) {
        ChatCompletionRequest request = requests.treeToValue(body, ChatCompletionRequest.class);
        ChatRequestChecks.check(request);
        // the warm-up's requests go to its own upstream, whatever model they name
        Route route = warmUp.is(caller)
                ? warmUpRoute()
                : router.resolve(Objects.requireNonNull(request.model(), "checked by ChatRequestChecks"));
        if (!caller.mayUse(route.modelId())) {
            throw AccessException.modelNotAllowed(route.modelId());
        }
        if (route.isEmbedding()) {
            throw InvalidRequestException.wrongModelType(route.modelId(), "an embedding", "/v1/embeddings");
        }
        boolean logPrompt = Boolean.TRUE.equals(request.logPrompt());
        if (logPrompt && !caller.project().promptLogging()) {
            throw InvalidRequestException.invalidParameter(
                    "log_prompt",
                    "Project '" + caller.projectId()
                            + "' does not allow prompt logging; an admin can allow it with PATCH /admin/v1/projects/"
                            + caller.projectId() + " {\"prompt_logging\": true}.");
        }
        // rag_params and log_prompt are the gateway's own: checked here for every model, never sent upstream
        ChatAugmentation.Retrieval retrieval = null;
        if (request.ragParams() != null && !request.ragParams().isNull()) {
            retrieval = augmentation.get().plan(request.ragParams(), caller);
        }
        request = request.withoutRagParams().withoutLogPrompt();
        body.remove("rag_params");
        body.remove("log_prompt");
        RequestProfiler.Profiled profiled =
                profiler.apply(request, body, route.chatProfile(), route.defaults(), route.contextLength());
        return new ChatCall(
                requestId,
                caller,
                route,
                profiled.request(),
                body,
                profiled.dropped(),
                clock.instant(),
                startedNanos,
                0,
                logPrompt,
                retrieval,
                null);
    }

    /**
     * Check: the prompt's tokens by the model's tokenizer (a long prompt off the event loop, see
     * {@link TokenCounting}), which must fit in the model's context length with the completion allowance.
     */
    private Mono<ChatCall> countPrompt(ChatCall call) {
        return tokenizer
                .countPrompt(
                        call.route().tokenizer(),
                        call.caller().keyId(),
                        call.request().messages())
                .map(promptTokens -> {
                    Integer contextLength = call.route().contextLength();
                    if (contextLength != null) {
                        RequestProfiler.checkPromptFits(call.request(), promptTokens, contextLength);
                    }
                    return call.withPromptTokens(promptTokens);
                });
    }

    /**
     * Check: retrieval for {@code rag_params}, off the event loop. The passages are added the way the model's
     * profile says and the prompt is counted again with them, so that admission and usage include them; the prompt
     * must still fit (a 400 naming {@code rag_params.max_num_results}).
     */
    private Mono<ChatCall> retrieve(ChatCall call) {
        if (call.retrieval() == null) {
            return Mono.just(call);
        }
        boolean contextRole = call.route().chatProfile().messages().roles().contains("context");
        return call.retrieval()
                .retrieve(
                        call.requestId(),
                        Objects.requireNonNull(call.request().messages(), "checked by ChatRequestChecks"),
                        contextRole)
                .flatMap(found -> tokenizer
                        .countPrompt(call.route().tokenizer(), call.caller().keyId(), found.messages())
                        .map(promptTokens -> {
                            checkContextWithPassages(call, promptTokens, found.sources());
                            return call.withAugmented(
                                    found.messages(),
                                    requests.valueToTree(found.messages()),
                                    promptTokens,
                                    found.rag());
                        }));
    }

    private static void checkContextWithPassages(ChatCall call, int promptTokens, int passages) {
        Integer contextLength = call.route().contextLength();
        if (contextLength == null || passages == 0) {
            return;
        }
        Integer max = maxTokens(call.request());
        long needed = (long) promptTokens + (max == null ? 0 : max);
        if (needed > contextLength) {
            throw InvalidRequestException.invalidParameter(
                    "rag_params.max_num_results",
                    "With the " + passages
                            + " retrieved passage(s) the prompt is about " + promptTokens + " tokens"
                            + (max == null ? "" : ", plus " + max + " for the completion,")
                            + " over the model's context"
                            + " length of " + contextLength
                            + " tokens; ask for fewer passages (rag_params.max_num_results)"
                            + (max == null ? "." : " or a smaller max_tokens."));
        }
    }

    /**
     * Admit: the prompt and the completion allowance (and their cost) reserved against the project's and key's
     * limits. From here on the request has its recorder: a refusal leaves a {@code rejected} record. Only a full
     * ledger buffer refuses a request without a record (there is no room for one).
     */
    private Mono<AdmittedChat> admit(ChatCall call) {
        return Mono.defer(() -> {
            UsageRecorder recorder = recorders(call.caller()).open(metered(call));
            long allowance = completionAllowance(call);
            long reservedTokens = call.promptTokens() + allowance;
            long reservedCost = call.route().price().costPicos(call.promptTokens(), 0, allowance);
            return admission
                    .admit(call.caller().projectId(), call.caller().keyId(), reservedTokens, reservedCost)
                    .map(ticket -> {
                        recorder.admitted(ticket::settle);
                        return new AdmittedChat(call, new ChatMeter(recorder, tokenizer, call, json), ticket);
                    })
                    .doOnError(error -> recorder.rejected(GatewayException.codeOf(error)))
                    .doOnCancel(recorder::cancelledBeforeAdmission);
        });
    }

    /** Call, meter, settle and record: a JSON completion from the first deployment of the route that answers. */
    private Mono<ChatAnswer> complete(AdmittedChat admitted) {
        ChatCall call = admitted.call();
        ChatMeter meter = admitted.meter();
        return meter.completion(executor.execute(call.route(), target -> {
                            UpstreamWait wait = meter.calling(target);
                            return target.chat()
                                    .complete(upstreamCall(call, target, false, wait))
                                    .flux();
                        })
                        // single(), not next(): next() cancels before completion and the circuit would never see
                        // a success
                        .single())
                .map(json -> new ChatAnswer.Json(() -> headers(admitted), json));
    }

    /**
     * Call, meter, settle and record: a stream, chunk by chunk as the upstream sends them, ended with an error
     * event when the gateway shuts down before it is over.
     */
    private Mono<ChatAnswer> stream(AdmittedChat admitted) {
        ChatCall call = admitted.call();
        ChatMeter meter = admitted.meter();
        boolean clientWantsUsage = call.request().wantsStreamUsage();
        boolean clientWantsContinuous = call.body()
                .path("stream_options")
                .path("continuous_usage_stats")
                .asBoolean(false);
        Flux<byte[]> events = meter.events(
                executor.execute(call.route(), target -> {
                    UpstreamWait wait = meter.calling(target);
                    return target.chat().stream(upstreamCall(call, target, clientWantsUsage, wait));
                }),
                clientWantsUsage,
                clientWantsContinuous);
        return Mono.just(new ChatAnswer.Stream(() -> headers(admitted), shutdown.endAtShutdown(events)));
    }

    /**
     * The call to one deployment: the request's JSON with the upstream's model name and the streaming fields set. A
     * stream asks for usage whenever the deployment can report it (so usage is exact), and for the usage so far on
     * every chunk where the deployment has that (so a stream cut short is billed the engine's counts).
     */
    private static UpstreamCall upstreamCall(
            ChatCall call, Route.Target target, boolean clientWantsUsage, UpstreamWait wait) {
        ObjectNode body = call.body().objectNode();
        body.setAll(call.body());
        body.put("model", target.upstreamModel());
        if (call.streaming()) {
            body.put("stream", true);
            boolean continuous = target.streamUsage() == StreamUsage.CONTINUOUS;
            if (clientWantsUsage || continuous || target.streamUsage() == StreamUsage.FINAL) {
                JsonNode options = call.body().get("stream_options");
                ObjectNode withUsage = options instanceof ObjectNode given ? given.deepCopy() : body.objectNode();
                withUsage.put("include_usage", true);
                if (continuous) {
                    withUsage.put("continuous_usage_stats", true);
                }
                body.set("stream_options", withUsage);
            }
        } else {
            body.remove("stream");
            body.remove("stream_options");
        }
        return new UpstreamCall(call.request().withModel(target.upstreamModel()), body, wait);
    }

    private static Map<String, String> headers(AdmittedChat admitted) {
        Map<String, String> headers =
                new LinkedHashMap<>(admitted.ticket().headers().asMap());
        if (!admitted.call().dropped().isEmpty()) {
            headers.put(
                    ChatAnswerHeaders.DROPPED_PARAMS,
                    String.join(", ", admitted.call().dropped()));
        }
        headers.put(
                ChatAnswerHeaders.OVERHEAD,
                ChatAnswerHeaders.millis(admitted.meter().overheadNanos()));
        return headers;
    }

    private Route warmUpRoute() {
        Route route = warmUp.route();
        if (route == null) {
            // the warm-up ended while this request of its was on its way
            throw AccessException.invalidApiKey();
        }
        return route;
    }

    /** The recorders of this caller's requests: the warm-up's are nobody's, and recorded nowhere. */
    private UsageRecorders recorders(Caller caller) {
        return warmUp.is(caller) ? UsageRecorders.discarding() : recorders;
    }

    /** The completion tokens reserved: {@code max_completion_tokens} or {@code max_tokens}, times {@code n}. */
    private long completionAllowance(ChatCall call) {
        ChatCompletionRequest request = call.request();
        Integer max = maxTokens(request);
        long allowance;
        if (max != null) {
            allowance = max;
        } else {
            allowance = limits.defaultMaxTokens();
            Integer contextLength = call.route().contextLength();
            if (contextLength != null) {
                allowance = Math.min(allowance, Math.max(0, contextLength - call.promptTokens()));
            }
        }
        int choices = request.n() == null ? 1 : Math.max(1, request.n());
        return allowance * choices;
    }

    private static @Nullable Integer maxTokens(ChatCompletionRequest request) {
        return request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
    }

    private MeteredRequest metered(ChatCall call) {
        ChatCompletionRequest request = call.request();
        Caller caller = call.caller();
        return new MeteredRequest(
                call.requestId(),
                MeteredRequest.CHAT,
                call.receivedAt(),
                call.startedNanos(),
                caller.keyId(),
                caller.userId(),
                caller.projectId(),
                call.publicModel(),
                call.route().price(),
                request.streaming(),
                request.chatId(),
                request.user(),
                call.retrieval() != null,
                call.logPrompt() ? () -> requests.writeValueAsString(request.messages()) : null);
    }

    /** An admitted chat request: its call, its meter, and the reservation its recorder settles. */
    private record AdmittedChat(ChatCall call, ChatMeter meter, Ticket ticket) {}

    // ---- embeddings ------------------------------------------------------------------------------------------

    /**
     * Route and profile for {@code /v1/embeddings}: the route of an embedding model the caller may use (404 unknown,
     * 403 not allowed for the project, 400 a chat model).
     */
    public Route embeddingRoute(Caller caller, String modelId) {
        Route route = router.resolve(modelId);
        if (!caller.mayUse(route.modelId())) {
            throw AccessException.modelNotAllowed(route.modelId());
        }
        if (!route.isEmbedding()) {
            throw InvalidRequestException.wrongModelType(route.modelId(), "a chat", "/v1/chat/completions");
        }
        return route;
    }

    /**
     * The vectors of an embedding request (its {@code model} the public id, its route from {@link #embeddingRoute}):
     * checked by every deployment's adapter, counted, admitted, called and recorded once.
     */
    public Mono<EmbeddingAnswer> embed(
            String requestId, Caller caller, Route route, EmbeddingRequest request, long startedNanos) {
        return Mono.defer(() -> {
                    // refused before the recorder opens (a parameter a provider cannot serve): no record
                    for (Route.Target target : route.targets()) {
                        target.embeddings().check(request);
                    }
                    return tokenizer.countAll(route.tokenizer(), caller.keyId(), request.input());
                })
                .flatMap(estimate -> Mono.defer(() -> {
                    UsageRecorder recorder = recorders(caller)
                            .open(MeteredRequest.embeddings(
                                    requestId,
                                    clock.instant(),
                                    startedNanos,
                                    caller.keyId(),
                                    caller.userId(),
                                    caller.projectId(),
                                    route.modelId(),
                                    route.price(),
                                    request.user()));
                    long reservedCost = route.price().costPicos(estimate, 0, 0);
                    return admission
                            .admit(caller.projectId(), caller.keyId(), estimate, reservedCost)
                            .doOnError(error -> recorder.rejected(GatewayException.codeOf(error)))
                            .doOnCancel(recorder::cancelledBeforeAdmission)
                            .flatMap(ticket -> {
                                recorder.admitted(ticket::settle);
                                return callEmbeddings(route, request, estimate, recorder)
                                        .map(result -> new EmbeddingAnswer(
                                                route.modelId(),
                                                result.result(),
                                                result.tokens(),
                                                ticket.headers().asMap()));
                            });
                }));
    }

    private Mono<Embedded> callEmbeddings(Route route, EmbeddingRequest request, int estimate, UsageRecorder recorder) {
        return executor.execute(route, target -> {
                    recorder.calling(target.deployment());
                    return target.embeddings()
                            .embed(request.withModel(target.upstreamModel()))
                            .flux();
                })
                .single()
                .map(result -> {
                    Integer reported = result.promptTokens();
                    boolean counted = reported != null;
                    UsageTokens tokens = new UsageTokens(
                            reported != null ? reported : estimate,
                            0,
                            null,
                            counted ? TokenSource.UPSTREAM : TokenSource.TOKENIZER);
                    recorder.finish(UsageStatus.OK, null, tokens, null, null);
                    return new Embedded(result, tokens.prompt());
                })
                .doOnError(error -> recorder.finish(
                        UsageStatus.UPSTREAM_ERROR, GatewayException.codeOf(error), UsageTokens.NONE, null, null))
                // a cancelled call may have reached the provider: the input is billed as the tokenizer counts it
                .doOnCancel(() -> recorder.finish(
                        UsageStatus.CANCELLED,
                        null,
                        new UsageTokens(estimate, 0, null, TokenSource.TOKENIZER),
                        null,
                        null));
    }

    private record Embedded(EmbeddingResult result, int tokens) {}

    /**
     * The embeddings retrieval makes (ingestion, searches, {@code rag_params}) with its embedding model's route:
     * the texts in order, asked for in batches of {@code batchSize}, with one usage record for them all, written
     * to {@code owner}. No limits apply (the caller's request was admitted, or ingestion is the project's own
     * work); fails with the 503 of a full or closing ledger before calling the model.
     */
    public Mono<List<float[]>> embedForRetrieval(
            Route route, List<String> texts, EmbeddingPurpose purpose, UsageOwner owner, int batchSize) {
        return Mono.defer(() -> {
            UsageRecorder recorder = recorders.open(MeteredRequest.embeddings(
                    owner.requestId(),
                    clock.instant(),
                    System.nanoTime(),
                    owner.keyId(),
                    owner.userId(),
                    owner.projectId(),
                    route.modelId(),
                    route.price(),
                    null));
            AtomicLong tokens = new AtomicLong();
            boolean[] estimated = {false};
            List<List<String>> batches = new ArrayList<>();
            for (int i = 0; i < texts.size(); i += batchSize) {
                batches.add(texts.subList(i, Math.min(texts.size(), i + batchSize)));
            }
            return Flux.fromIterable(batches)
                    .concatMap(batch -> executor.execute(route, target -> {
                                recorder.calling(target.deployment());
                                return target.embeddings()
                                        .embed(EmbeddingRequest.of(target.upstreamModel(), batch, purpose))
                                        .map(result -> {
                                            if (result.promptTokens() != null) {
                                                tokens.addAndGet(result.promptTokens());
                                            } else {
                                                // counted as the model that embedded them counts
                                                estimated[0] = true;
                                                batch.forEach(text -> tokens.addAndGet(
                                                        target.tokenizer().count(text)));
                                            }
                                            return result.vectors();
                                        })
                                        .flux();
                            })
                            .single())
                    .<float[]>concatMapIterable(vectors -> vectors)
                    .collectList()
                    .doOnSuccess(vectors ->
                            recorder.finish(UsageStatus.OK, null, spent(tokens.get(), estimated[0]), null, null))
                    .doOnError(error -> recorder.finish(
                            UsageStatus.UPSTREAM_ERROR,
                            GatewayException.codeOf(error),
                            spent(tokens.get(), estimated[0]),
                            null,
                            null))
                    .doOnCancel(() -> recorder.finish(
                            UsageStatus.CANCELLED, null, spent(tokens.get(), estimated[0]), null, null));
        });
    }

    private static UsageTokens spent(long tokens, boolean estimated) {
        int used = (int) Math.min(Integer.MAX_VALUE, tokens);
        TokenSource source = used == 0 ? TokenSource.NONE : estimated ? TokenSource.TOKENIZER : TokenSource.UPSTREAM;
        return new UsageTokens(used, 0, null, source);
    }
}
