package io.llmgateway.app.identity;

import io.llmgateway.app.lifecycle.BackgroundSubscription;
import io.llmgateway.app.persistence.DatabaseCache;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Keeps the identity cache of this replica true: it listens on PostgreSQL's {@code gateway_identity_changed}
 * channel (the triggers of migrations V1 and V2 notify it on every change to keys, users, projects, memberships
 * and limits) and drops every {@link DatabaseCache} on each notification, so a revoked key stops working everywhere within a second.
 *
 * <p>It holds one dedicated connection. When the connection is lost it reconnects with backoff and drops the
 * cache once more, because notifications sent meanwhile were missed.
 */
public class IdentityChangeListener extends BackgroundSubscription {

    static final String CHANNEL = "gateway_identity_changed";
    private static final Object RECONNECTED = new Object();
    private static final Logger log = LoggerFactory.getLogger(IdentityChangeListener.class);

    private final PostgresqlConnectionFactory connections;
    private final List<DatabaseCache> caches;

    public IdentityChangeListener(PostgresqlConnectionFactory connections, List<DatabaseCache> caches) {
        this.connections = connections;
        this.caches = List.copyOf(caches);
    }

    private void invalidateAll() {
        caches.forEach(DatabaseCache::invalidateAll);
    }

    @Override
    protected Disposable subscribe() {
        return Flux.usingWhen(connections.create(), this::listen, PostgresqlConnection::close)
                .doOnError(error -> log.warn("Identity change listener lost its connection: {}", error.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
                // a cache drops its entries under its eviction lock, which may wait: not on the connection's loop
                .publishOn(Schedulers.boundedElastic())
                .subscribe(
                        notification -> invalidateAll(),
                        error -> log.error("Identity change listener stopped: {}", error.toString()));
    }

    private Flux<Object> listen(PostgresqlConnection connection) {
        // after (re)connecting, drop the caches once: notifications sent meanwhile were missed
        Mono<Object> listening = connection
                .createStatement("LISTEN " + CHANNEL)
                .execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then(Mono.just(RECONNECTED));
        return listening
                .concatWith(connection.getNotifications())
                .cast(Object.class)
                .concatWith(Mono.error(new IllegalStateException("notification stream ended")));
    }
}
