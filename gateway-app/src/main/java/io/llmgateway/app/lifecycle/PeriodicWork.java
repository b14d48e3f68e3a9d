package io.llmgateway.app.lifecycle;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Work repeated at a fixed interval, one round at a time, until stopped or disposed.
 *
 * <p>While a round runs, one tick waits and the others are skipped: after a round slower than the interval (a
 * database that is slow for a moment) the next one starts at once, and the loop never ends for it. Without that,
 * {@code Flux.interval} fails with an overflow as soon as a tick finds no demand, and the work stops for good. A
 * failed round is handed to {@code onFailure}, and the loop goes on.
 *
 * <p>{@link #stop()} ends the loop gracefully: no round starts after it, and the round under way, if any, runs to
 * its end instead of being cancelled halfway (a database statement cancelled after its parameters were encoded,
 * for one, may lose their buffers in the driver). {@link #dispose()} cancels at once.
 */
public final class PeriodicWork implements Disposable {

    private final Sinks.Empty<Void> stopping = Sinks.empty();
    private final Sinks.Empty<Void> ended = Sinks.empty();
    private final Disposable subscription;
    private volatile boolean stopped;

    private PeriodicWork(
            Duration interval, Scheduler timer, Supplier<Mono<Void>> round, Consumer<Throwable> onFailure) {
        this.subscription = Flux.interval(interval, interval, timer)
                .onBackpressureDrop()
                .takeUntilOther(stopping.asMono())
                // the tick that waited behind the last round must not start one after stop()
                .concatMap(
                        tick -> stopped
                                ? Mono.<Void>empty()
                                : Mono.defer(round).onErrorResume(error -> {
                                    onFailure.accept(error);
                                    return Mono.empty();
                                }),
                        1)
                .doFinally(signal -> ended.tryEmitEmpty())
                .subscribe();
    }

    /** Starts the loop: the first round runs one interval from now. */
    public static PeriodicWork start(
            Duration interval, Scheduler timer, Supplier<Mono<Void>> round, Consumer<Throwable> onFailure) {
        return new PeriodicWork(interval, timer, round, onFailure);
    }

    /** Starts no further round; completes when the round under way, if any, has ended (at once if none was). */
    public Mono<Void> stop() {
        stopped = true;
        stopping.tryEmitEmpty();
        return ended.asMono();
    }

    /** Cancels the loop at once, with the round under way. */
    @Override
    public void dispose() {
        stopped = true;
        subscription.dispose();
        ended.tryEmitEmpty();
    }

    @Override
    public boolean isDisposed() {
        return subscription.isDisposed();
    }
}
