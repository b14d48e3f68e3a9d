package io.llmgateway.provider.openai.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The two time limits of a streamed answer: its first item within {@code first} of the subscription, then no
 * silence longer than {@code between} between two items. A stream past either is cancelled and fails with a
 * {@link TimeoutException}.
 *
 * <p>This is what {@code timeout(Mono.delay(first), item -> Mono.delay(between))} does, without its cost per item:
 * that schedules a timer and cancels it again for every item, two operations on the scheduler's shared queue at
 * every chunk of every stream. Here an item only records its deadline, and each stream has one timer pending at
 * a time: when it fires before the current deadline (items came in the meantime), it sleeps again until that
 * deadline, like Netty's idle-state handler (the first item sets a timer of its own: its deadline may be earlier
 * than the first timer's). A stream of chunks every 100 ms with a 60 s limit re-arms its timer
 * once a minute instead of ten times a second.
 */
public final class StreamTimeout<T> extends FluxOperator<T, T> {

    private final long firstNanos;
    private final long betweenNanos;
    private final Scheduler timer;
    private final LongSupplier nanoClock;

    StreamTimeout(Flux<? extends T> source, Duration first, Duration between, Scheduler timer, LongSupplier nanoClock) {
        super(source);
        this.firstNanos = first.toNanos();
        this.betweenNanos = between.toNanos();
        this.timer = timer;
        this.nanoClock = nanoClock;
    }

    /** For {@link Flux#transform}: the limits on Reactor's {@code parallel} scheduler, as {@code timeout} has them. */
    public static <T> Function<Flux<T>, Flux<T>> of(Duration first, Duration between) {
        return source -> new StreamTimeout<>(source, first, between, Schedulers.parallel(), System::nanoTime);
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Watch<>(Operators.serialize(actual), this));
    }

    /**
     * One stream's watch. Items arrive on the stream's thread and the timer fires on the scheduler's; the
     * downstream subscriber is serialised, so a timeout that fires during an item's delivery waits for it.
     */
    static final class Watch<T> implements CoreSubscriber<T>, Subscription, Runnable {

        private static final AtomicLongFieldUpdater<Watch> DEADLINE =
                AtomicLongFieldUpdater.newUpdater(Watch.class, "deadline");
        private static final AtomicIntegerFieldUpdater<Watch> DONE =
                AtomicIntegerFieldUpdater.newUpdater(Watch.class, "done");

        private final CoreSubscriber<? super T> actual;
        private final StreamTimeout<T> limits;
        private @Nullable Subscription upstream;
        /** Whether an item has come. */
        private volatile boolean started;
        /** When the stream times out unless an item comes first, in {@code nanoClock} time. */
        private volatile long deadline;

        private volatile int done;
        private volatile @Nullable Disposable pendingTimer;

        Watch(CoreSubscriber<? super T> actual, StreamTimeout<T> limits) {
            this.actual = actual;
            this.limits = limits;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                deadline = limits.nanoClock.getAsLong() + limits.firstNanos;
                actual.onSubscribe(this);
                if (!started) {
                    // unless the first item came at once, during the request onSubscribe made
                    arm(limits.firstNanos);
                }
            }
        }

        @Override
        public void onNext(T item) {
            if (done != 0) {
                Operators.onDiscard(item, actual.currentContext());
                return;
            }
            // an ordered store is enough: the timer reads it at most a few nanoseconds late
            DEADLINE.lazySet(this, limits.nanoClock.getAsLong() + limits.betweenNanos);
            if (!started) {
                started = true;
                // the pending timer is the first item's, which may fire later than the new deadline
                Disposable firstTimer = pendingTimer;
                arm(limits.betweenNanos);
                if (firstTimer != null) {
                    firstTimer.dispose();
                }
            }
            actual.onNext(item);
        }

        @Override
        public void onError(Throwable error) {
            if (finish()) {
                actual.onError(error);
            } else {
                Operators.onErrorDropped(error, actual.currentContext());
            }
        }

        @Override
        public void onComplete() {
            if (finish()) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream().request(n);
        }

        @Override
        public void cancel() {
            finish();
            upstream().cancel();
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        /** The timer: time the stream out, or sleep until its deadline if an item moved it. */
        @Override
        public void run() {
            if (done != 0) {
                return;
            }
            long remaining = deadline - limits.nanoClock.getAsLong();
            if (remaining > 0) {
                arm(remaining);
                return;
            }
            if (finish()) {
                upstream().cancel();
                actual.onError(new TimeoutException("no item within the stream's time limit"));
            }
        }

        private void arm(long delayNanos) {
            Disposable next;
            try {
                next = limits.timer.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                if (finish()) {
                    upstream().cancel();
                    actual.onError(e);
                }
                return;
            }
            pendingTimer = next;
            if (done != 0) {
                // the stream ended while this timer was being set: finish() may have missed it
                next.dispose();
            }
        }

        /** The subscription, which onSubscribe set before anything else can happen. */
        private Subscription upstream() {
            return Objects.requireNonNull(upstream, "onSubscribe comes first");
        }

        /** Ends the watch once; false when it had already ended. */
        private boolean finish() {
            if (!DONE.compareAndSet(this, 0, 1)) {
                return false;
            }
            Disposable timer = pendingTimer;
            if (timer != null) {
                timer.dispose();
            }
            return true;
        }
    }
}
