package io.llmgateway.app.embeddings;

import io.llmgateway.app.limits.Admission;
import io.llmgateway.app.limits.RateLimitHeaders;
import io.llmgateway.app.limits.Ticket;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.app.routing.Route;
import io.llmgateway.app.routing.RouteExecutor;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.TokenSource;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.app.usage.UsageRecord;
import io.llmgateway.app.usage.UsageStatus;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.AccessException;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The path of an embedding request, the same as a chat completion's: route (404 unknown, 403 not allowed for the
 * project, 400 a chat model), a ledger slot, admission against the project's and key's limits and budgets with
 * the input tokens reserved, the call on the route's deployments (in process for {@code all-minilm-l6-v2}), and
 * exactly one usage record however it ends. Tokens are the provider's count when it gives one, else the
 * gateway's tokenizer's.
 */
public class EmbeddingService {

    private final ModelRouter router;
    private final RouteExecutor executor;
    private final Admission admission;
    private final UsageLedger ledger;
    private final TokenCounting tokenizer;
    private final Clock clock;

    public EmbeddingService(ModelRouter router, RouteExecutor executor, Admission admission, UsageLedger ledger,
                            TokenCounting tokenizer, Clock clock) {
        this.router = router;
        this.executor = executor;
        this.admission = admission;
        this.ledger = ledger;
        this.tokenizer = tokenizer;
        this.clock = clock;
    }

    /**
     * Checks that the caller may use the request's model for embeddings; throws the 4xx otherwise.
     *
     * @return the model's route
     */
    public Route check(Caller caller, String modelId) {
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
     * The vectors of a checked request ({@code model} is the public id), admitted and recorded. A request over a
     * limit fails with {@link Admission.Refused} (a 429 with its headers).
     */
    public Mono<Embedded> embed(String requestId, Caller caller, Route route, EmbeddingRequest request,
                                long startedNanos) {
        // refused before the ledger slot opens (a parameter a provider cannot serve, too many large requests): no record
        for (Route.Target target : route.targets()) {
            target.embeddings().check(request);
        }
        return tokenizer.countAll(caller.keyId(), request.input())
                .flatMap(estimate -> admitAndCall(requestId, caller, route, request, startedNanos, estimate));
    }

    private Mono<Embedded> admitAndCall(String requestId, Caller caller, Route route, EmbeddingRequest request,
                                        long startedNanos, int estimate) {
        if (!ledger.tryOpen()) {
            return Mono.error(ledger.refusal());
        }
        Recorder recorder = new Recorder(requestId, caller, route, request.user(), clock.instant(), startedNanos);
        long reservedCost = route.price().costPicos(estimate, 0, 0);
        return admission.admit(caller.projectId(), caller.keyId(), estimate, reservedCost)
                .doOnError(error -> recorder.record(0, TokenSource.NONE, UsageStatus.REJECTED, code(error)))
                .doOnCancel(() -> recorder.record(0, TokenSource.NONE, UsageStatus.CANCELLED, null))
                .flatMap(ticket -> call(route, request, ticket, estimate, recorder));
    }

    private Mono<Embedded> call(Route route, EmbeddingRequest request, Ticket ticket, int estimate,
                                Recorder recorder) {
        return executor.execute(route, target -> {
                    recorder.deployment.set(target.deployment());
                    return target.embeddings().embed(request.withModel(target.upstreamModel())).flux();
                })
                .single()
                .map(result -> {
                    boolean counted = result.promptTokens() != null;
                    int tokens = counted ? result.promptTokens() : estimate;
                    long cost = route.price().costPicos(tokens, 0, 0);
                    ticket.settle(tokens, cost);
                    recorder.record(tokens, counted ? TokenSource.UPSTREAM : TokenSource.TOKENIZER, UsageStatus.OK,
                            null);
                    return new Embedded(route.modelId(), result, tokens, ticket.headers());
                })
                .doOnError(error -> {
                    ticket.settle(0, 0);
                    recorder.record(0, TokenSource.NONE, UsageStatus.UPSTREAM_ERROR, code(error));
                })
                // a cancelled call may have reached the provider: the input is billed as the tokenizer counts it
                .doOnCancel(() -> {
                    ticket.settle(estimate, route.price().costPicos(estimate, 0, 0));
                    recorder.record(estimate, TokenSource.TOKENIZER, UsageStatus.CANCELLED, null);
                });
    }

    private static String code(Throwable error) {
        if (error instanceof Admission.Refused refused) {
            return refused.error().code();
        }
        return error instanceof GatewayException gateway && gateway.code() != null ? gateway.code() : "internal_error";
    }

    /**
     * What an embedding request got.
     *
     * @param model       the public model id, as the response names it
     * @param result      the vectors
     * @param tokens      the input tokens billed
     * @param rateLimits  the {@code x-ratelimit-*} headers of the limits that apply
     */
    public record Embedded(String model, EmbeddingResult result, int tokens, RateLimitHeaders rateLimits) {
    }

    /** Writes the request's one usage record, whichever way it ends first. */
    private final class Recorder {

        private final String requestId;
        private final Caller caller;
        private final Route route;
        private final String clientUser;
        private final Instant receivedAt;
        private final long startedNanos;
        private final AtomicReference<String> deployment = new AtomicReference<>();
        private final AtomicBoolean done = new AtomicBoolean();

        Recorder(String requestId, Caller caller, Route route, String clientUser, Instant receivedAt,
                 long startedNanos) {
            this.requestId = requestId;
            this.caller = caller;
            this.route = route;
            this.clientUser = clientUser;
            this.receivedAt = receivedAt;
            this.startedNanos = startedNanos;
        }

        void record(int tokens, TokenSource source, UsageStatus status, String errorCode) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            int latency = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
            ledger.record(UsageRecord.embedding(requestId, receivedAt, caller.keyId(), caller.userId(),
                    caller.projectId(), route.modelId(), deployment.get(), tokens, source,
                    route.price().costPicos(tokens, 0, 0), status, errorCode, latency, clientUser));
        }
    }
}
