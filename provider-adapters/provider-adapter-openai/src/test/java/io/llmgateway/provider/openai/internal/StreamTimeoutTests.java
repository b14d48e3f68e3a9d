package io.llmgateway.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

class StreamTimeoutTests {

    private static final Duration FIRST = Duration.ofSeconds(2);
    private static final Duration BETWEEN = Duration.ofMillis(300);

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final TestPublisher<String> upstream = TestPublisher.create();
    /** Every timer the operator set, in order. */
    private final List<Disposable> timers = new ArrayList<>();

    private final Scheduler recordingClock = new Scheduler() {
        @Override
        public Disposable schedule(Runnable task) {
            return clock.schedule(task);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            Disposable timer = clock.schedule(task, delay, unit);
            timers.add(timer);
            return timer;
        }

        @Override
        public Worker createWorker() {
            return clock.createWorker();
        }
    };

    private Flux<String> watched() {
        return watched(upstream);
    }

    private Flux<String> watched(TestPublisher<String> source) {
        return new StreamTimeout<>(
                source.flux(), FIRST, BETWEEN, recordingClock, () -> clock.now(TimeUnit.NANOSECONDS));
    }

    private void advance(long millis) {
        clock.advanceTimeBy(Duration.ofMillis(millis));
    }

    @Test
    void itemsKeepingInsideTheLimitFlowLongAfterTheFirstDeadlineWithATimerOnlyEveryFewItems() {
        StepVerifier.create(watched())
                .then(() -> {
                    for (int i = 0; i < 100; i++) {
                        advance(50);
                        upstream.next("chunk");
                    }
                    upstream.complete();
                })
                .expectNextCount(100)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        upstream.assertWasNotCancelled();
        // 5 s of items: Reactor's timeout(first, item -> delay) would have set 101 timers. This one sets one at
        // the start and one at the first item, then re-arms when its timer fires: every 250 ms here (300 ms after
        // the last item, which came at most 50 ms before), about 20 in all
        assertThat(timers).hasSizeBetween(2, 25);
    }

    @Test
    void aSilenceLongerThanTheLimitBetweenItemsEndsTheStreamAtItsDeadline() {
        StepVerifier.create(watched())
                .then(() -> {
                    advance(100);
                    upstream.next("a");
                    advance(250);
                    upstream.next("b");
                    advance(299);
                })
                .expectNext("a", "b")
                .expectNoEvent(Duration.ZERO)
                .then(() -> advance(1))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        upstream.assertCancelled();
    }

    @Test
    void theFirstItemHasItsOwnLongerLimit() {
        StepVerifier.create(watched())
                .then(() -> {
                    advance(1_900);
                    upstream.next("late but in time");
                })
                .expectNext("late but in time")
                .then(() -> upstream.complete())
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        TestPublisher<String> silent = TestPublisher.create();
        StepVerifier.create(watched(silent))
                .then(() -> advance(1_999))
                .expectNoEvent(Duration.ZERO)
                .then(() -> advance(1))
                .expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        silent.assertCancelled();
    }

    @Test
    void aStreamThatEndsOrIsCancelledDisposesItsTimer() {
        StepVerifier.create(watched())
                .then(() -> {
                    upstream.next("a");
                    upstream.complete();
                })
                .expectNext("a")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        // one timer for the first item, one set by it
        assertThat(timers).hasSize(2).allMatch(Disposable::isDisposed);

        TestPublisher<String> cancelled = TestPublisher.create();
        StepVerifier.create(watched(cancelled))
                .then(() -> cancelled.next("b"))
                .expectNext("b")
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        cancelled.assertCancelled();
        assertThat(timers).hasSize(4).allMatch(Disposable::isDisposed);
    }

    @Test
    void errorsAndCompletionPassThroughUnchanged() {
        StepVerifier.create(watched())
                .then(() -> upstream.error(new IllegalStateException("upstream broke")))
                .expectErrorMessage("upstream broke")
                .verify(Duration.ofSeconds(5));
    }
}
