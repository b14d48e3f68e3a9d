package io.llmgateway.app.usage;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one place a request's usage is recorded: once, whichever way the request ends first (an answer, a failure, a
 * refusal, a client that went away). Finishing writes the ledger's record, settles the request's limits
 * reservation with what it used (the recorder holds the ticket from admission on) and updates the metrics; every
 * later finish is ignored.
 */
public final class UsageRecorder {

    /** Settles a request's reservation with what it used. */
    @FunctionalInterface
    public interface Settlement {

        Settlement NONE = (tokens, costPicos) -> {};

        void settle(long usedTokens, long usedCostPicos);
    }

    private final UsageRecorders recorders;
    private final MeteredRequest request;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile Settlement settlement = Settlement.NONE;
    private volatile @Nullable String deployment;
    private volatile long firstChunkNanos;

    UsageRecorder(UsageRecorders recorders, MeteredRequest request) {
        this.recorders = recorders;
        this.request = request;
    }

    public MeteredRequest request() {
        return request;
    }

    /** Admitted: the reservation this recorder settles when the request ends. */
    public void admitted(Settlement ticket) {
        this.settlement = ticket;
    }

    /** The deployment about to be called (the last one called is the one that served). */
    public void calling(String deploymentName) {
        this.deployment = deploymentName;
    }

    /** Whether a deployment was called. */
    public boolean called() {
        return deployment != null;
    }

    /** The first streamed chunk arrived now (later calls are ignored). */
    public void firstChunk() {
        if (firstChunkNanos == 0) {
            firstChunkNanos = System.nanoTime();
        }
    }

    /** The cost in pico-dollars of these tokens at the request's price. */
    public long cost(UsageTokens tokens) {
        return tokens.source() == TokenSource.NONE
                ? 0
                : request.price().costPicos(tokens.prompt(), tokens.cachedOrZero(), tokens.completion());
    }

    /** Refused at admission (or before): recorded as such, billed nothing. */
    public void rejected(@Nullable String errorCode) {
        finish(UsageStatus.REJECTED, errorCode, UsageTokens.NONE, null, null);
    }

    /** The client went away before admission decided: recorded as cancelled, billed nothing. */
    public void cancelledBeforeAdmission() {
        finish(UsageStatus.CANCELLED, "cancelled_before_admission", UsageTokens.NONE, null, null);
    }

    /**
     * Ends the request, the first time only.
     *
     * @param finishReason the first choice's finish reason, if any
     * @param completion   the completion text, stored only when the prompt is logged
     */
    public void finish(
            UsageStatus status,
            @Nullable String errorCode,
            UsageTokens tokens,
            @Nullable String finishReason,
            @Nullable String completion) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long now = System.nanoTime();
        long cost = cost(tokens);
        Supplier<String> prompt = request.prompt();
        UsageRecord record = new UsageRecord(
                request.requestId(),
                request.receivedAt(),
                request.keyId(),
                request.userId(),
                request.projectId(),
                request.model(),
                deployment,
                tokens.prompt(),
                tokens.completion(),
                tokens.cached(),
                tokens.source(),
                cost,
                status,
                errorCode,
                finishReason,
                millis(now - request.startedNanos()),
                firstChunkNanos == 0 ? null : millis(firstChunkNanos - request.startedNanos()),
                request.streamed(),
                request.chatId(),
                request.clientUser(),
                request.retrieval(),
                prompt != null ? prompt.get() : null,
                prompt != null ? completion : null);
        recorders.finished(record, request.operation());
        settlement.settle(record.totalTokens(), cost);
    }

    public boolean isFinished() {
        return finished.get();
    }

    private static int millis(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, nanos / 1_000_000);
    }
}
