package io.llmgateway.app.lifecycle;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Work repeated at a fixed interval, one round at a time, until disposed.
 *
 * <p>While a round runs, one tick waits and the others are skipped: after a round slower than the interval (a
 * database that is slow for a moment) the next one starts at once, and the loop never ends for it. Without that, {@code Flux.interval} fails with
 * an overflow as soon as a tick finds no demand, and the work stops for good. A failed round is handed to
 * {@code onFailure}, and the loop goes on.
 */
public final class PeriodicWork {

    private PeriodicWork() {
    }

    public static Disposable start(Duration interval, Scheduler timer, Supplier<Mono<Void>> round,
                                   Consumer<Throwable> onFailure) {
        return Flux.interval(interval, interval, timer)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.defer(round).onErrorResume(error -> {
                    onFailure.accept(error);
                    return Mono.empty();
                }), 1)
                .subscribe();
    }
}
