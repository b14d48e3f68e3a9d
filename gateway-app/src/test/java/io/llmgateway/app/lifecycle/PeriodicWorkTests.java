package io.llmgateway.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

class PeriodicWorkTests {

    private static final Duration INTERVAL = Duration.ofMillis(300);

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

    private void advanceIntervals(int n) {
        clock.advanceTimeBy(INTERVAL.multipliedBy(n));
    }

    @Test
    void aRoundSlowerThanTheIntervalDelaysTheNextOneAndTheLoopGoesOn() {
        AtomicInteger started = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        // each round takes 2.5 intervals, as a flush to a database that is slow for a while
        Disposable loop = PeriodicWork.start(
                INTERVAL,
                clock,
                () -> Mono.delay(INTERVAL.multipliedBy(5).dividedBy(2), clock)
                        .doOnSubscribe(s -> started.incrementAndGet())
                        .then(),
                failures::add);
        try {
            advanceIntervals(30);
            // one tick waits while a round runs and the others are skipped, so a slow round is followed at once by
            // the next: rounds start at 1, 3.5, 6, ..., 28.5 intervals, and no tick ends the loop
            assertThat(started.get()).isEqualTo(12);
            assertThat(failures).isEmpty();
            assertThat(loop.isDisposed()).isFalse();
        } finally {
            loop.dispose();
        }
    }

    @Test
    void aFailedRoundIsReportedAndTheNextOneStillRuns() {
        AtomicInteger started = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        Disposable loop = PeriodicWork.start(
                INTERVAL,
                clock,
                () -> {
                    started.incrementAndGet();
                    return Mono.error(new IllegalStateException("database down"));
                },
                failures::add);
        try {
            advanceIntervals(5);
            assertThat(started.get()).isEqualTo(5);
            assertThat(failures).hasSize(5).allMatch(error -> error.getMessage().equals("database down"));
        } finally {
            loop.dispose();
        }
    }

    @Test
    void stoppingLetsTheRoundUnderWayFinishAndStartsNoOther() {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicBoolean cancelled = new AtomicBoolean();
        // each round takes 2.5 intervals, so a tick is waiting behind the round when the loop is stopped
        PeriodicWork loop = PeriodicWork.start(
                INTERVAL,
                clock,
                () -> Mono.delay(INTERVAL.multipliedBy(5).dividedBy(2), clock)
                        .doOnSubscribe(s -> started.incrementAndGet())
                        .doOnSuccess(done -> finished.incrementAndGet())
                        .doOnCancel(() -> cancelled.set(true))
                        .then(),
                error -> {});
        advanceIntervals(2);
        assertThat(started.get()).isEqualTo(1);
        AtomicBoolean ended = new AtomicBoolean();
        loop.stop().subscribe(null, null, () -> ended.set(true));
        assertThat(ended).as("the round under way has not ended yet").isFalse();

        // the round that started at 1 interval ends at 3.5
        advanceIntervals(1);
        assertThat(ended).isFalse();
        advanceIntervals(1);
        assertThat(finished.get()).as("the round under way ran to its end").isEqualTo(1);
        assertThat(cancelled).isFalse();
        assertThat(ended).isTrue();
        assertThat(loop.isDisposed()).isTrue();

        advanceIntervals(10);
        assertThat(started.get())
                .as("no round after the stop, not even the tick that waited")
                .isEqualTo(1);
    }

    @Test
    void stoppingAnIdleLoopEndsAtOnce() {
        AtomicInteger started = new AtomicInteger();
        PeriodicWork loop =
                PeriodicWork.start(INTERVAL, clock, () -> Mono.fromRunnable(started::incrementAndGet), error -> {});
        advanceIntervals(2);
        AtomicBoolean ended = new AtomicBoolean();
        loop.stop().subscribe(null, null, () -> ended.set(true));
        assertThat(ended).isTrue();
        advanceIntervals(10);
        assertThat(started.get()).isEqualTo(2);
    }

    @Test
    void disposingTheLoopStopsTheRounds() {
        AtomicInteger started = new AtomicInteger();
        Disposable loop =
                PeriodicWork.start(INTERVAL, clock, () -> Mono.fromRunnable(started::incrementAndGet), error -> {});
        advanceIntervals(2);
        loop.dispose();
        advanceIntervals(10);
        assertThat(started.get()).isEqualTo(2);
    }
}
