package io.llmgateway.app.usage;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.protocol.ToolCall;
import io.llmgateway.core.protocol.Usage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Watches one admitted request to its end and then writes its usage record, settles its reservation and
 * updates the metrics, exactly once, whatever the end: completion, an error, or the client going away.
 *
 * <p>Tokens are the upstream's {@code usage} when it reported one. Otherwise they are counted with the tokenizer:
 * the prompt as sent, and the completion text <em>delivered to the client</em>, so a stream cancelled half-way is
 * billed for the prompt and for what was streamed up to then. Only what reached a model is billed: a request that no
 * upstream took (every circuit open, a refused connection) or that an upstream refused with an error status before
 * any output costs nothing; one cancelled or timed out while an upstream worked on it costs its prompt. A long
 * completion is counted off the event loop ({@link io.llmgateway.app.tokens.TokenCounting}).
 */
public final class UsageMeter {

    private final UsageMeters meters;
    private final MeteredRequest request;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final StringBuilder delivered = new StringBuilder();
    private volatile String deployment;
    private volatile Usage upstreamUsage;
    private volatile String finishReason;
    private volatile long firstChunkNanos;
    private volatile ChatCompletionChunk firstChunk;
    private volatile long callStartedNanos;
    private volatile long answerNanos;
    /** Whether any chunk or answer reached the client. */
    private volatile boolean delivering;

    UsageMeter(UsageMeters meters, MeteredRequest request) {
        this.meters = meters;
        this.request = request;
    }

    /** The deployment about to be called (the last one called is the one that served). */
    public void calling(String deploymentName) {
        this.deployment = deploymentName;
        this.callStartedNanos = System.nanoTime();
    }

    /**
     * The time the gateway itself added until now, in nanoseconds: everything since receipt except the last
     * upstream call's wait for its answer (or first chunk).
     */
    public long overheadNanos() {
        long now = System.nanoTime();
        long answered = answerNanos != 0 ? answerNanos : firstChunkNanos;
        long upstream = callStartedNanos != 0 && answered != 0 ? answered - callStartedNanos : 0;
        return Math.max(0, now - request.startedNanos() - upstream);
    }

    /**
     * The completion with its {@code usage} (counted by the tokenizer when the upstream sent none) and its cost;
     * recorded when it completes, fails or is cancelled.
     */
    public Mono<ChatCompletion> meter(Mono<ChatCompletion> completion) {
        return completion
                .flatMap(answer -> {
                    answerNanos = System.nanoTime();
                    upstreamUsage = answer.usage();
                    delivering = true;
                    if (answer.choices() != null) {
                        for (ChatCompletion.Choice choice : answer.choices()) {
                            if (finishReason == null) {
                                finishReason = choice.finishReason();
                            }
                            appendMessage(choice.message());
                        }
                    }
                    return tokensAtEnd(null, false).map(tokens -> {
                        finish(UsageStatus.OK, null, tokens);
                        return answer.withUsage(tokens.usage(answer.usage(), cost(tokens)));
                    });
                })
                .doOnError(error -> finishLater(UsageStatus.UPSTREAM_ERROR, error))
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL) {
                        finishLater(UsageStatus.CANCELLED, null);
                    }
                });
    }

    /**
     * The stream as delivered to the client, metered chunk by chunk. The upstream's usage chunk gets the cost;
     * when the client asked for usage and the upstream sent none, a usage chunk counted by the tokenizer is added
     * at the end. {@code deliver} is applied between metering and the client (e.g. hiding a usage chunk the
     * client did not ask for).
     */
    public Flux<ChatCompletionChunk> meter(Flux<ChatCompletionChunk> chunks, boolean clientWantsUsage,
                                           Function<Flux<ChatCompletionChunk>, Flux<ChatCompletionChunk>> deliver) {
        Flux<ChatCompletionChunk> metered = chunks.map(chunk -> {
            if (firstChunkNanos == 0) {
                firstChunkNanos = System.nanoTime();
            }
            if (chunk.usage() != null) {
                upstreamUsage = chunk.usage();
                Tokens tokens = upstreamTokens();
                // a usage without both counts is passed on as it came; the record is counted at the end
                return tokens == null ? chunk : chunk.withUsage(tokens.usage(chunk.usage(), cost(tokens)));
            }
            return chunk;
        });
        Flux<ChatCompletionChunk> toClient = deliver.apply(metered).doOnNext(this::delivered);
        if (clientWantsUsage) {
            toClient = toClient.concatWith(Mono.defer(() -> {
                ChatCompletionChunk template = firstChunk;
                if (upstreamUsage != null || template == null) {
                    return Mono.empty();
                }
                return tokensAtEnd(null, false).map(tokens -> ChatCompletionChunk.usageOnly(template.id(),
                        template.created(), template.model(), tokens.usage(null, cost(tokens))));
            }));
        }
        return toClient
                .doOnComplete(() -> finishLater(UsageStatus.OK, null))
                .doOnError(error -> finishLater(UsageStatus.UPSTREAM_ERROR, error))
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL) {
                        finishLater(UsageStatus.CANCELLED, null);
                    }
                });
    }

    private void delivered(ChatCompletionChunk chunk) {
        if (firstChunk == null) {
            firstChunk = chunk;
        }
        delivering = true;
        if (chunk.choices() == null) {
            return;
        }
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
            if (choice.finishReason() != null && finishReason == null) {
                finishReason = choice.finishReason();
            }
            appendMessage(choice.delta());
        }
    }

    private void appendMessage(ChatMessage message) {
        if (message == null) {
            return;
        }
        synchronized (delivered) {
            delivered.append(message.text());
            if (message.refusal() != null) {
                delivered.append(message.refusal());
            }
            if (message.toolCalls() != null) {
                for (ToolCall call : message.toolCalls()) {
                    if (call.function() != null) {
                        appendNonNull(call.function().name());
                        appendNonNull(call.function().arguments());
                    }
                }
            }
        }
    }

    private void appendNonNull(String text) {
        if (text != null) {
            delivered.append(text);
        }
    }

    /** The upstream's own counts, when it reported them. */
    private Tokens upstreamTokens() {
        Usage usage = upstreamUsage;
        if (usage != null && usage.promptTokens() != null && usage.completionTokens() != null) {
            return new Tokens(usage.promptTokens(), usage.completionTokens(), usage.cachedPromptTokens(),
                    TokenSource.UPSTREAM);
        }
        return null;
    }

    /**
     * The tokens when the request ends: the upstream's usage, else the tokenizer's count of the prompt and of what
     * reached the client; nothing when no model worked on the request.
     *
     * @param failure   what the request failed with, or null
     * @param cancelled whether the client went away (or the gateway shut down)
     */
    private Mono<Tokens> tokensAtEnd(Throwable failure, boolean cancelled) {
        Tokens upstream = upstreamTokens();
        if (upstream != null) {
            return Mono.just(upstream);
        }
        if (!delivering && !reachedModel(failure, cancelled)) {
            return Mono.just(new Tokens(0, 0, null, TokenSource.NONE));
        }
        String text;
        synchronized (delivered) {
            text = delivered.toString();
        }
        return meters.tokenizer().count(text)
                // the tokenizer's pool is full: one token per UTF-8 byte is an upper bound
                .onErrorResume(busy -> Mono.just(text.getBytes(StandardCharsets.UTF_8).length))
                .map(completion -> new Tokens(request.promptTokens(), completion, null, TokenSource.TOKENIZER));
    }

    /**
     * Whether a model worked on a request that delivered nothing: it was sent to a deployment, and then the client
     * went away or the upstream did not answer in time. A refused connection, an upstream's error status, an invalid
     * answer or a request that no deployment took never had a model work on it.
     */
    private boolean reachedModel(Throwable failure, boolean cancelled) {
        if (deployment == null) {
            return false;
        }
        if (cancelled || failure == null) {
            return true;
        }
        return failure instanceof UpstreamException upstream && "upstream_timeout".equals(upstream.code());
    }

    /** Finishes once the tokens are known (at once, unless a long completion has to be counted). */
    private void finishLater(UsageStatus status, Throwable failure) {
        if (finished.get()) {
            return;
        }
        String code = failure == null ? null : errorCode(failure);
        tokensAtEnd(failure, status == UsageStatus.CANCELLED)
                .subscribe(tokens -> finish(status, code, tokens),
                        error -> finish(status, code, new Tokens(0, 0, null, TokenSource.NONE)));
    }

    private long cost(Tokens tokens) {
        return request.price().costPicos(tokens.prompt(), tokens.cachedOrZero(), tokens.completion());
    }

    /** The client went away while the request waited for admission: recorded as cancelled, billed nothing. */
    public void cancelledBeforeAdmission() {
        finish(UsageStatus.CANCELLED, "cancelled_before_admission", new Tokens(0, 0, null, TokenSource.NONE));
    }

    /** A request refused at admission: its record says so and bills nothing. */
    public void rejected(String errorCode) {
        finish(UsageStatus.REJECTED, errorCode, new Tokens(0, 0, null, TokenSource.NONE));
    }

    private void finish(UsageStatus status, String errorCode, Tokens tokens) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        long cost = tokens.source() == TokenSource.NONE ? 0 : cost(tokens);
        String completion = null;
        if (request.logPrompt()) {
            synchronized (delivered) {
                completion = delivered.toString();
            }
        }
        UsageRecord record = new UsageRecord(request.requestId(), request.receivedAt(), request.keyId(),
                request.userId(), request.projectId(), request.model(), deployment, tokens.prompt(),
                tokens.completion(), tokens.cached(), tokens.source(), cost, status, errorCode, finishReason,
                millis(now - request.startedNanos()),
                firstChunkNanos == 0 ? null : millis(firstChunkNanos - request.startedNanos()),
                request.streamed(), request.chatId(), request.clientUser(), request.retrieval(),
                request.logPrompt() ? meters.promptJson(request) : null, completion);
        meters.finished(request, record);
    }

    private static int millis(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, nanos / 1_000_000);
    }

    private static String errorCode(Throwable error) {
        if (error instanceof GatewayException gateway) {
            return gateway.code() != null ? gateway.code() : gateway.type().wireName();
        }
        return "internal_error";
    }

    /** Token counts and where they come from. */
    record Tokens(int prompt, int completion, Integer cached, TokenSource source) {

        int cachedOrZero() {
            return cached == null ? 0 : cached;
        }

        /** The usage to show the client: the upstream's with the cost added, or the tokenizer's counts. */
        Usage usage(Usage upstream, long costPicos) {
            Usage base = upstream != null ? upstream : Usage.of(prompt, completion);
            return base.withCost(Price.dollars(costPicos));
        }
    }
}
