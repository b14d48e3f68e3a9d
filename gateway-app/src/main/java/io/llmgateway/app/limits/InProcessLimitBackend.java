package io.llmgateway.app.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Counters in this process's memory: the default for a single replica. Each operation holds one lock for the few
 * map operations it makes (no I/O, no waiting inside), which is what makes it atomic; expired counters, leases and
 * reservation records are dropped as they are met and in a sweep every so many operations. The semantics are the
 * Redis backend's (see {@link LimitBackend}), so that both pass one contract.
 */
public final class InProcessLimitBackend implements LimitBackend {

    private static final int SWEEP_EVERY = 10_000;

    private final Clock clock;
    private final long leaseMillis;
    private final long recordMillis;
    private final Map<String, Counter> counters = new HashMap<>();
    /** Reservation id: whether it was settled (or released) already, and until when this is remembered. */
    private final Map<String, Record> records = new HashMap<>();

    private int operations;

    /** @param leaseDuration how long a reservation holds its slots and budget amounts without being settled */
    public InProcessLimitBackend(Clock clock, Duration leaseDuration) {
        this.clock = clock;
        this.leaseMillis = Leases.checked(leaseDuration).toMillis();
        this.recordMillis = Leases.recordMillis(leaseDuration);
    }

    @Override
    public Mono<Reservation> reserve(String id, List<CounterCharge> charges) {
        return Mono.fromSupplier(() -> reserveNow(id, charges));
    }

    private synchronized Reservation reserveNow(String id, List<CounterCharge> charges) {
        long now = clock.millis();
        sweepNow(now);
        Record record = record(id, now);
        if (record != null && record.settled) {
            return Reservation.released();
        }
        int expired = 0;
        long[] values = new long[charges.size()];
        List<Integer> unseeded = new ArrayList<>();
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            Counter counter = live(charge.key(), now);
            if (counter != null) {
                expired += counter.expireLeases(charge.type(), now);
            } else if (charge.type() == CounterType.BUDGET) {
                if (charge.seed() == null) {
                    unseeded.add(i);
                    continue;
                }
                counter = new Counter(now + charge.ttlMillis());
                counter.value = charge.seed();
                counters.put(charge.key(), counter);
            }
            values[i] = counter == null ? 0 : counter.value;
        }
        if (record != null) {
            // reserved already (the same reservation sent again): charge nothing twice
            return Reservation.admitted(values, expired);
        }
        if (!unseeded.isEmpty()) {
            return Reservation.unseeded(
                    unseeded.stream().mapToInt(Integer::intValue).toArray(), expired);
        }
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            long amount = charge.type() == CounterType.SLOTS ? 1 : charge.amount();
            if (values[i] + amount > charge.limit()) {
                for (int j = i + 1; j < values.length; j++) {
                    values[j] = 0;
                }
                return Reservation.refused(i, values, expired);
            }
        }
        for (int i = 0; i < charges.size(); i++) {
            CounterCharge charge = charges.get(i);
            Counter counter = counters.computeIfAbsent(charge.key(), key -> new Counter(0));
            long ttl = charge.ttlMillis();
            switch (charge.type()) {
                case SLOTS -> {
                    counter.leases.put(id, new Lease(1, now + leaseMillis));
                    counter.value = counter.leases.size();
                    ttl = Math.max(ttl, recordMillis);
                }
                case BUDGET -> {
                    counter.leases.put(id, new Lease(charge.amount(), now + leaseMillis));
                    counter.value += charge.amount();
                }
                case WINDOW -> counter.value += charge.amount();
            }
            counter.expiresAt = Math.max(counter.expiresAt, now + ttl);
            values[i] = counter.value;
        }
        records.put(id, new Record(false, now + recordMillis));
        return Reservation.admitted(values, expired);
    }

    @Override
    public Mono<Void> settle(String id, List<CounterUsage> usages) {
        return Mono.fromRunnable(() -> settleNow(id, usages));
    }

    private synchronized void settleNow(String id, List<CounterUsage> usages) {
        long now = clock.millis();
        sweepNow(now);
        Record record = record(id, now);
        if (record != null && record.settled) {
            return;
        }
        boolean reserved = record != null;
        records.put(id, new Record(true, now + recordMillis));
        for (CounterUsage usage : usages) {
            CounterCharge charge = usage.reserved();
            Counter counter = live(charge.key(), now);
            if (counter == null) {
                // lost or expired: settling never creates a counter
                continue;
            }
            switch (charge.type()) {
                case SLOTS -> {
                    counter.leases.remove(id);
                    counter.value = counter.leases.size();
                }
                case BUDGET ->
                    counter.add(counter.leases.remove(id) != null ? usage.used() - charge.amount() : usage.used());
                case WINDOW -> counter.add(reserved ? usage.used() - charge.amount() : usage.used());
            }
        }
    }

    @Override
    public String name() {
        return "in-process";
    }

    private @Nullable Counter live(String key, long now) {
        Counter counter = counters.get(key);
        if (counter != null && counter.expiresAt <= now) {
            counters.remove(key);
            return null;
        }
        return counter;
    }

    private @Nullable Record record(String id, long now) {
        Record record = records.get(id);
        if (record != null && record.expiresAt <= now) {
            records.remove(id);
            return null;
        }
        return record;
    }

    private void sweepNow(long now) {
        if (++operations % SWEEP_EVERY == 0) {
            counters.values().removeIf(counter -> counter.expiresAt <= now);
            records.values().removeIf(record -> record.expiresAt <= now);
        }
    }

    private static final class Counter {
        long value;
        long expiresAt;
        /** Open reservations' leases by id, in the order taken, which is the order they expire in. */
        final LinkedHashMap<String, Lease> leases = new LinkedHashMap<>();

        Counter(long expiresAt) {
            this.expiresAt = expiresAt;
        }

        /** Never below zero. */
        void add(long delta) {
            value = Math.max(0, value + delta);
        }

        /** Drops the expired leases, giving back their amounts; how many there were. */
        int expireLeases(CounterType type, long now) {
            int expired = 0;
            for (Iterator<Lease> open = leases.values().iterator(); open.hasNext(); ) {
                Lease lease = open.next();
                if (lease.expiresAt > now) {
                    break;
                }
                open.remove();
                expired++;
                if (type == CounterType.BUDGET) {
                    add(-lease.amount);
                }
            }
            if (type == CounterType.SLOTS) {
                value = leases.size();
            }
            return expired;
        }
    }

    private record Lease(long amount, long expiresAt) {}

    private record Record(boolean settled, long expiresAt) {}
}
