package io.llmgateway.app.pipeline;

import io.llmgateway.app.routing.Route;
import io.llmgateway.app.tokens.TokenCounting;
import io.llmgateway.app.usage.Price;
import io.llmgateway.app.usage.TokenSource;
import io.llmgateway.app.usage.UsageRecorder;
import io.llmgateway.app.usage.UsageStatus;
import io.llmgateway.app.usage.UsageTokens;
import io.llmgateway.core.answer.AnswerEditor;
import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.provider.UpstreamWait;
import io.llmgateway.core.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Meters one admitted chat request's answer on its way to the client and ends it in its {@link UsageRecorder},
 * whatever the end: the last chunk, an error, or the client going away. The answer passes as the upstream's bytes;
 * only the model id (the public one), the {@code cost} in the usage and the sources of retrieval are changed or added.
 *
 * <p>Tokens are the upstream's {@code usage} when it reported one. Otherwise they are counted with the tokenizer of
 * the model that answered (the route's, or a fallback model's): the prompt as sent, and the completion text
 * <em>delivered to the client</em>, so a stream cancelled half-way is billed for the prompt and for what was
 * streamed up to then. Only what reached a model is billed: a request that no
 * upstream took (every circuit open, a refused connection) or that an upstream refused with an error status before
 * any output costs nothing; one cancelled or timed out while an upstream worked on it costs its prompt. A long
 * completion is counted off the event loop ({@link TokenCounting}).
 */
final class ChatMeter {

    private static final byte[] EVENT_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An upstream chunk that the client does not get (compared by identity). */
    private static final byte[] HIDDEN = new byte[0];

    /** The gateway's mapper, for the few values written here (the cost, the sources, a usage chunk's id). */
    private final JsonMapper json;

    private final UsageRecorder recorder;
    private final TokenCounting tokenizer;
    /** The route's tokenizer, which counted {@link #promptTokens}. */
    private final TokenCounter routeTokenizer;

    private final @Nullable List<ChatMessage> prompt;
    private final int promptTokens;
    private final boolean logPrompt;
    private final byte[] model;
    private final byte @Nullable [] ragMember;
    private final StringBuilder delivered = new StringBuilder();
    private volatile @Nullable ScannedAnswer upstreamUsage;
    /** The tokenizer of the model of the deployment called last. */
    private volatile @Nullable TokenCounter servingTokenizer;

    private volatile @Nullable ScannedAnswer firstDelivered;
    private volatile @Nullable String finishReason;
    private volatile long callStartedNanos;
    private volatile @Nullable UpstreamWait upstreamWait;
    private volatile long answerNanos;
    private volatile long firstChunkNanos;
    /** Whether any chunk or answer reached the client. */
    private volatile boolean delivering;

    ChatMeter(UsageRecorder recorder, TokenCounting tokenizer, ChatCall call, JsonMapper json) {
        this.json = json;
        this.recorder = recorder;
        this.tokenizer = tokenizer;
        this.routeTokenizer = call.route().tokenizer();
        this.prompt = call.request().messages();
        this.promptTokens = call.promptTokens();
        this.logPrompt = call.logPrompt();
        this.model = AnswerEditor.jsonString(call.publicModel());
        this.ragMember = call.rag() == null ? null : member("rag", call.rag());
    }

    /**
     * The deployment about to be called (the last one called is the one that served).
     *
     * @return what the adapter stamps when the call's request has been written
     */
    UpstreamWait calling(Route.Target target) {
        recorder.calling(target.deployment());
        servingTokenizer = target.tokenizer();
        UpstreamWait wait = new UpstreamWait();
        upstreamWait = wait;
        callStartedNanos = System.nanoTime();
        return wait;
    }

    /**
     * The time the gateway itself added until now, in nanoseconds: everything since the request's first byte except
     * the last upstream call's wait, from its request's last byte written (or, for an adapter that writes to no
     * socket, from the call's start) to its answer or first chunk read.
     */
    long overheadNanos() {
        long now = System.nanoTime();
        long answered = answerNanos != 0 ? answerNanos : firstChunkNanos;
        UpstreamWait wait = upstreamWait;
        long sent = wait != null && wait.sentNanos() != 0 ? wait.sentNanos() : callStartedNanos;
        long upstream = sent != 0 && answered != 0 ? Math.max(0, answered - sent) : 0;
        return Math.max(0, now - recorder.request().startedNanos() - upstream);
    }

    /**
     * The completion as the client gets it, with its {@code usage} (counted by the tokenizer when the upstream sent
     * none) and its cost; recorded when it completes, fails or is cancelled.
     */
    Mono<byte[]> completion(Mono<ScannedAnswer> completion) {
        return completion
                .flatMap(answer -> {
                    answerNanos = System.nanoTime();
                    delivering = true;
                    if (answer.hasUsage()) {
                        upstreamUsage = answer;
                    }
                    finishReason = answer.finishReason();
                    append(answer.text());
                    return tokensAtEnd(null, false).map(tokens -> {
                        finish(UsageStatus.OK, null, tokens);
                        byte[] cost = cost(tokens);
                        return AnswerEditor.of(answer)
                                .model(model)
                                .costInUsage(cost)
                                .usageIfMissing(usageJson(tokens, cost))
                                .addFields(ragMember)
                                .toBytes();
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
     * The stream as the client gets it, each chunk one server-sent event ({@code data: ...} and a blank line) in the
     * upstream's order. The upstream's usage chunk gets the cost, and is hidden when the client did not ask for
     * usage (the gateway asks for it whenever the deployment can report it); when the client asked and the upstream
     * sent none, a usage chunk counted by the tokenizer ends the stream. The usage so far that a deployment with
     * continuous usage puts on every chunk is read, and passed on only when the client asked for it too: clients that
     * add up the usage of the chunks they get would count it many times.
     */
    Flux<byte[]> events(Flux<ScannedAnswer> chunks, boolean clientWantsUsage, boolean clientWantsContinuous) {
        // map and filter, not handle: Reactor restores the thread-locals of the context around every item of a
        // handle (an observation scope here), which cost more than the rest of an event's way through the gateway
        Flux<byte[]> events = chunks.map(chunk -> {
                    if (firstChunkNanos == 0) {
                        firstChunkNanos = System.nanoTime();
                        recorder.firstChunk();
                    }
                    byte[] cost = null;
                    boolean hideUsage = false;
                    if (chunk.hasUsage()) {
                        upstreamUsage = chunk;
                        if (chunk.isUsageOnly()) {
                            if (!clientWantsUsage) {
                                return HIDDEN;
                            }
                        } else {
                            hideUsage = !clientWantsContinuous;
                        }
                        // a usage without both counts is passed on as it came; the record is counted at the end
                        if (!hideUsage && chunk.hasCompleteUsage()) {
                            cost = cost(upstreamTokens(chunk));
                        }
                    }
                    boolean first = firstDelivered == null;
                    if (first) {
                        firstDelivered = chunk;
                    }
                    delivered(chunk);
                    AnswerEditor event = AnswerEditor.of(chunk).model(model).addFields(first ? ragMember : null);
                    return (hideUsage ? event.withoutUsage() : event.costInUsage(cost))
                            .toBytes(EVENT_PREFIX, EVENT_SUFFIX);
                })
                .filter(event -> event != HIDDEN);
        if (clientWantsUsage) {
            events = events.concatWith(Mono.defer(() -> {
                ScannedAnswer template = firstDelivered;
                if (upstreamUsage != null || template == null) {
                    return Mono.empty();
                }
                return tokensAtEnd(null, false).map(tokens -> usageEvent(template, tokens));
            }));
        }
        return events.doOnComplete(() -> finishLater(UsageStatus.OK, null))
                .doOnError(error -> finishLater(UsageStatus.UPSTREAM_ERROR, error))
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL) {
                        finishLater(UsageStatus.CANCELLED, null);
                    }
                });
    }

    private void delivered(ScannedAnswer chunk) {
        delivering = true;
        if (finishReason == null && chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        append(chunk.text());
    }

    private void append(String text) {
        if (text.isEmpty()) {
            return;
        }
        synchronized (delivered) {
            delivered.append(text);
        }
    }

    private String deliveredText() {
        synchronized (delivered) {
            return delivered.toString();
        }
    }

    /** The upstream's counts of an answer with a complete usage ({@link ScannedAnswer#hasCompleteUsage()}). */
    private static UsageTokens upstreamTokens(ScannedAnswer usage) {
        return new UsageTokens(
                Objects.requireNonNull(usage.promptTokens(), "a complete usage"),
                Objects.requireNonNull(usage.completionTokens(), "a complete usage"),
                usage.cachedTokens(),
                TokenSource.UPSTREAM);
    }

    /**
     * The tokens when the request ends: the upstream's usage, else the count of the prompt and of what reached the
     * client by the tokenizer of the model that answered; nothing when no model worked on the request. The prompt
     * was counted before the call with the route's tokenizer; it is counted again only when a fallback model with
     * another tokenizer answered.
     */
    private Mono<UsageTokens> tokensAtEnd(@Nullable Throwable failure, boolean cancelled) {
        ScannedAnswer usage = upstreamUsage;
        if (usage != null && usage.hasCompleteUsage()) {
            return Mono.just(upstreamTokens(usage));
        }
        if (!delivering && !reachedModel(failure, cancelled)) {
            return Mono.just(UsageTokens.NONE);
        }
        TokenCounter counter = servingTokenizer != null ? servingTokenizer : routeTokenizer;
        Mono<Integer> promptCount = counter == routeTokenizer
                ? Mono.just(promptTokens)
                : tokenizer.countPrompt(counter, null, prompt).onErrorResume(busy -> Mono.just(promptTokens));
        String text = deliveredText();
        Mono<Integer> completionCount = tokenizer
                .count(counter, text)
                // the tokenizer's pool is full: one token per UTF-8 byte is an upper bound
                .onErrorResume(busy -> Mono.just(text.getBytes(StandardCharsets.UTF_8).length));
        return promptCount.zipWith(
                completionCount,
                (promptUsed, completion) -> new UsageTokens(promptUsed, completion, null, TokenSource.TOKENIZER));
    }

    /**
     * Whether a model worked on a request that delivered nothing: it was sent to a deployment, and then the client
     * went away or the upstream did not answer in time. A refused connection, an upstream's error status, an invalid
     * answer or a request that no deployment took never had a model work on it.
     */
    private boolean reachedModel(@Nullable Throwable failure, boolean cancelled) {
        if (!recorder.called()) {
            return false;
        }
        if (cancelled || failure == null) {
            return true;
        }
        return failure instanceof UpstreamException upstream && "upstream_timeout".equals(upstream.code());
    }

    /** Finishes once the tokens are known (at once, unless a long completion has to be counted). */
    private void finishLater(UsageStatus status, @Nullable Throwable failure) {
        if (recorder.isFinished()) {
            return;
        }
        String code = failure == null ? null : GatewayException.codeOf(failure);
        tokensAtEnd(failure, status == UsageStatus.CANCELLED)
                .subscribe(tokens -> finish(status, code, tokens), error -> finish(status, code, UsageTokens.NONE));
    }

    private void finish(UsageStatus status, @Nullable String errorCode, UsageTokens tokens) {
        recorder.finish(status, errorCode, tokens, finishReason, logPrompt ? deliveredText() : null);
    }

    /** The cost of these tokens in US dollars, as a JSON number. */
    private byte[] cost(UsageTokens tokens) {
        return json.writeValueAsBytes(Price.dollars(recorder.cost(tokens)));
    }

    /** A {@code usage} object for an answer whose upstream sent none. */
    private static byte[] usageJson(UsageTokens tokens, byte[] cost) {
        String counts = "{\"prompt_tokens\":" + tokens.prompt() + ",\"completion_tokens\":" + tokens.completion()
                + ",\"total_tokens\":" + tokens.total() + ",\"cost\":";
        byte[] head = counts.getBytes(StandardCharsets.US_ASCII);
        byte[] usage = new byte[head.length + cost.length + 1];
        System.arraycopy(head, 0, usage, 0, head.length);
        System.arraycopy(cost, 0, usage, head.length, cost.length);
        usage[usage.length - 1] = '}';
        return usage;
    }

    /** The usage chunk the gateway adds when the client asked for usage and the upstream reported none. */
    private byte[] usageEvent(ScannedAnswer template, UsageTokens tokens) {
        JsonNode first = json.readTree(template.json());
        String chunk = "{\"id\":" + json.writeValueAsString(first.path("id").asString(""))
                + ",\"object\":\"chat.completion.chunk\",\"created\":"
                + first.path("created").asLong(0)
                + ",\"model\":" + new String(model, StandardCharsets.UTF_8) + ",\"choices\":[],\"usage\":"
                + new String(usageJson(tokens, cost(tokens)), StandardCharsets.UTF_8) + "}";
        byte[] data = chunk.getBytes(StandardCharsets.UTF_8);
        byte[] event = new byte[EVENT_PREFIX.length + data.length + EVENT_SUFFIX.length];
        System.arraycopy(EVENT_PREFIX, 0, event, 0, EVENT_PREFIX.length);
        System.arraycopy(data, 0, event, EVENT_PREFIX.length, data.length);
        System.arraycopy(EVENT_SUFFIX, 0, event, EVENT_PREFIX.length + data.length, EVENT_SUFFIX.length);
        return event;
    }

    private byte[] member(String name, JsonNode value) {
        return ("\"" + name + "\":" + json.writeValueAsString(value)).getBytes(StandardCharsets.UTF_8);
    }
}
