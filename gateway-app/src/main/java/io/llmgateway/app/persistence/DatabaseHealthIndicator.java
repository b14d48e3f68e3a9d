package io.llmgateway.app.persistence;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Whether the database answers, within two seconds (a frozen one must not hold the health endpoint). It is shown
 * under {@code /actuator/health} but is not part of readiness: while the database is away the gateway still serves
 * verified keys and holds usage records, so taking every replica out of the load balancer would turn an outage of the
 * database into one of the whole service.
 */
public class DatabaseHealthIndicator implements ReactiveHealthIndicator {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final DatabaseClient db;

    public DatabaseHealthIndicator(DatabaseClient db) {
        this.db = db;
    }

    /**
     * The check runs to its own end (bounded by the connections' time limit); the answer does not wait for it past
     * two seconds. Cancelling the query instead would make the driver lose the row that comes late.
     */
    @Override
    public Mono<Health> health() {
        Mono<Health> check = db.sql("SELECT 1")
                .fetch()
                .rowsUpdated()
                .then(Mono.fromSupplier(() -> Health.up().build()))
                .onErrorResume(error -> Mono.just(Health.down()
                        .withDetail("error", error.getClass().getSimpleName())
                        .build()))
                .cache();
        check.subscribe();
        return check.timeout(
                TIMEOUT,
                Mono.fromSupplier(() -> Health.down()
                        .withDetail("error", "no answer within " + TIMEOUT.toSeconds() + " s")
                        .build()));
    }
}
