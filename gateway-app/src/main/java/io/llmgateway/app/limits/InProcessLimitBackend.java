package io.llmgateway.app.limits;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Counters in this process's memory: the default for a single replica. A reservation holds one lock for the
 * few map operations it makes (no I/O, no waiting inside), which is what makes it atomic; expired counters are
 * dropped as they are met and in a sweep every so many operations.
 */
public final class InProcessLimitBackend implements LimitBackend {

    private static final int SWEEP_EVERY = 10_000;

    private final Clock clock;
    private final Map<String, Counter> counters = new HashMap<>();
    private int operations;

    public InProcessLimitBackend(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<Reservation> reserve(List<CounterCharge> charges) {
        return Mono.fromSupplier(() -> reserveNow(charges));
    }

    private synchronized Reservation reserveNow(List<CounterCharge> charges) {
        long now = clock.millis();
        sweepNow(now);
        long[] values = new long[charges.size()];
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            values[i] = valueOf(charge.key(), now);
            if (values[i] + charge.amount() > charge.limit()) {
                return Reservation.refused(i, values);
            }
        }
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            Counter counter = counters.computeIfAbsent(charge.key(), key -> new Counter());
            counter.value += charge.amount();
            counter.expiresAt = Math.max(counter.expiresAt, now + charge.ttlMillis());
            values[i] = counter.value;
        }
        return Reservation.admitted(values);
    }

    @Override
    public Mono<Void> adjust(List<CounterCharge> deltas) {
        return Mono.fromRunnable(() -> adjustNow(deltas));
    }

    private synchronized void adjustNow(List<CounterCharge> deltas) {
        long now = clock.millis();
        for (CounterCharge delta : deltas) {
            Counter counter = counters.get(delta.key());
            if (counter != null && counter.expiresAt > now) {
                counter.value += delta.amount();
            }
        }
    }

    @Override
    public Mono<Void> seed(String key, long value, long ttlMillis) {
        return Mono.fromRunnable(() -> seedNow(key, value, ttlMillis));
    }

    private synchronized void seedNow(String key, long value, long ttlMillis) {
        long now = clock.millis();
        if (valueOf(key, now) == 0 && !counters.containsKey(key)) {
            Counter counter = new Counter();
            counter.value = value;
            counter.expiresAt = now + ttlMillis;
            counters.put(key, counter);
        }
    }

    @Override
    public String name() {
        return "in-process";
    }

    private long valueOf(String key, long now) {
        Counter counter = counters.get(key);
        if (counter == null) {
            return 0;
        }
        if (counter.expiresAt <= now) {
            counters.remove(key);
            return 0;
        }
        return counter.value;
    }

    private void sweepNow(long now) {
        if (++operations % SWEEP_EVERY == 0) {
            counters.values().removeIf(counter -> counter.expiresAt <= now);
        }
    }

    private static final class Counter {
        long value;
        long expiresAt;
    }
}
