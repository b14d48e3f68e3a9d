package io.llmgateway.app.limits;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Where the counters behind rate limits, concurrency limits and budgets live. Implementations must make
 * {@link #reserve} atomic: either every counter has room and all are charged, or none is, with no
 * check-then-set race between concurrent callers (within one process for the in-process backend, across replicas
 * for Redis).
 */
public interface LimitBackend {

    /** Charges every counter if each stays within its limit, otherwise none. */
    Mono<Reservation> reserve(List<CounterCharge> charges);

    /**
     * Adds each delta to its counter (negative to give back what was reserved but not used); a counter that no
     * longer exists is left alone. {@code ttlMillis} of the charges is ignored; {@code amount} is the delta.
     */
    Mono<Void> adjust(List<CounterCharge> deltas);

    /** Sets a counter that does not exist yet (a budget seeded from the ledger); an existing one is left alone. */
    Mono<Void> seed(String key, long value, long ttlMillis);

    /** A short name for metrics and logs: {@code in-process} or {@code redis}. */
    String name();
}
