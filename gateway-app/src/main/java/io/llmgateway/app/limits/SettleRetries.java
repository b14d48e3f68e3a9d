package io.llmgateway.app.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sends settlements and releases to the backend, and tries those that fail again in the background: a few times,
 * further and further apart, for a bounded number at once. Both are idempotent by reservation id, so a retry of
 * one that did happen (its answer timed out) does nothing. What is given up on is healed by the leases.
 *
 * <p>Nothing here blocks: the waits are timers on Reactor's parallel scheduler.
 */
final class SettleRetries {

    private static final Logger log = LoggerFactory.getLogger(SettleRetries.class);

    /** Settlements waiting for a retry, at most; a failure beyond that is given up at once. */
    static final int CAPACITY = 10_000;
    /** Retries after the first attempt; with the delays below they span about 90 s, well within a lease. */
    static final int RETRIES = 8;

    private static final Duration FIRST_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private final LimitBackend backend;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter settlesRetried;
    private final Counter releasesRetried;
    private final Counter settlesFailed;
    private final Counter releasesFailed;

    SettleRetries(LimitBackend backend, MeterRegistry registry) {
        this.backend = backend;
        this.settlesRetried = retried(registry, "settle");
        this.releasesRetried = retried(registry, "release");
        this.settlesFailed = failed(registry, "settle");
        this.releasesFailed = failed(registry, "release");
    }

    private static Counter retried(MeterRegistry registry, String operation) {
        return Counter.builder("gateway.limits.releases.retried")
                .description("Attempts to settle or release a reservation again after a failure")
                .tag("operation", operation)
                .register(registry);
    }

    private static Counter failed(MeterRegistry registry, String operation) {
        return Counter.builder("gateway.limits.releases.failed")
                .description("Settlements and releases given up on; their leases heal the counters when they expire")
                .tag("operation", operation)
                .register(registry);
    }

    /** Settles a finished request's reservation with what it used. */
    void settle(String id, List<CounterUsage> usages) {
        send(new Pending(id, usages, false));
    }

    /** Gives back a reservation the gateway gave up on, whether or not (or not yet) it happened. */
    void release(String id, List<CounterUsage> usages) {
        send(new Pending(id, usages, true));
    }

    /** Settlements waiting for a retry now. */
    int waiting() {
        return waiting.get();
    }

    private void send(Pending pending) {
        backend.settle(pending.id, pending.usages).subscribe(null, error -> {
            if (waiting.incrementAndGet() > CAPACITY) {
                waiting.decrementAndGet();
                giveUp(pending, error, "too many are waiting for a retry");
                return;
            }
            log.debug(
                    "Could not {} reservation {} ({}); trying again",
                    pending.operation(),
                    pending.id,
                    error.toString());
            retry(pending);
        });
    }

    private void retry(Pending pending) {
        Mono.delay(delay(pending.attempts))
                .then(Mono.defer(() -> {
                    (pending.release ? releasesRetried : settlesRetried).increment();
                    return backend.settle(pending.id, pending.usages);
                }))
                .subscribe(
                        null,
                        error -> {
                            if (++pending.attempts >= RETRIES) {
                                waiting.decrementAndGet();
                                giveUp(pending, error, "after " + RETRIES + " retries");
                            } else {
                                retry(pending);
                            }
                        },
                        waiting::decrementAndGet);
    }

    private void giveUp(Pending pending, Throwable error, String why) {
        (pending.release ? releasesFailed : settlesFailed).increment();
        log.warn(
                "Gave up trying to {} reservation {} on the limits backend ({}): {}; its leases expire in time",
                pending.operation(),
                pending.id,
                why,
                error.toString());
    }

    private static Duration delay(int attempts) {
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(attempts, 16));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** One settlement on its way; its attempt count is touched by one retry at a time. */
    private static final class Pending {
        final String id;
        final List<CounterUsage> usages;
        final boolean release;
        /** Not volatile: each retry is scheduled by the failure of the one before, which orders the updates. */
        int attempts;

        Pending(String id, List<CounterUsage> usages, boolean release) {
            this.id = id;
            this.usages = usages;
            this.release = release;
        }

        String operation() {
            return release ? "release" : "settle";
        }
    }
}
