package io.llmgateway.app.limits;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Where the counters behind rate limits, concurrency limits and budgets live. Implementations must make
 * {@link #reserve} atomic: either every counter has room and all are charged, or none is, with no
 * check-then-set race between concurrent callers (within one process for the in-process backend, across replicas
 * for Redis).
 *
 * <p>Every reservation has an id, and everything after it goes by that id and is idempotent, so that a caller who
 * cannot tell whether an operation happened (a timeout) may simply repeat it or give the reservation up:
 * <ul>
 *   <li>a reservation is charged at most once, however often it is sent;</li>
 *   <li>{@link #settle} takes effect once; later settles of the id, and a reservation of the id that arrives after
 *       it (a release that overtook its reserve), do nothing for a while (the lease duration);</li>
 *   <li>a reservation's concurrency slot and budget amounts are leases: when one expires unsettled (a replica
 *       died, a release was lost), its slot is freed and its amount given back;</li>
 *   <li>settling never creates a counter nor drives one below zero.</li>
 * </ul>
 */
public interface LimitBackend {

    /**
     * Charges every counter if each stays within its limit, otherwise none. A budget counter without a
     * {@link CounterCharge#seed seed} that does not exist makes the answer {@link Reservation.Outcome#UNSEEDED}
     * and charges nothing.
     */
    Mono<Reservation> reserve(String id, List<CounterCharge> charges);

    /**
     * Settles reservation {@code id} with what was really used of each counter (see {@link CounterUsage}), and
     * frees its slots; with zero used, a release. Safe whether the reservation happened, happens later, never
     * happens, or was settled already.
     */
    Mono<Void> settle(String id, List<CounterUsage> usages);

    /** A short name for metrics and logs: {@code in-process} or {@code redis}. */
    String name();
}
