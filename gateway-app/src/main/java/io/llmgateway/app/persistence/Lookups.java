package io.llmgateway.app.persistence;

import io.llmgateway.core.error.GatewayException;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A time limit for the database look-ups that requests wait on (keys, projects, limits, budgets). Their results are
 * cached as futures that every concurrent caller shares, so a query that never answered would hold every request for
 * that key forever; bounded, it fails them with a 503 to retry and leaves the cache, and the next request asks again.
 */
public final class Lookups {

    /** Far above a healthy look-up (a millisecond or two), well below a client's patience. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Lookups() {}

    public static <T> Mono<T> bounded(Mono<T> lookup, String what) {
        return lookup.timeout(
                TIMEOUT,
                Mono.error(() -> GatewayException.unavailable(
                        "The database did not answer" + " the " + what + " look-up within " + TIMEOUT.toSeconds()
                                + " s; retry shortly.",
                        "database_unavailable",
                        Duration.ofSeconds(1))));
    }
}
