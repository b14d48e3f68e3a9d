package io.llmgateway.app.retrieval;

import io.llmgateway.app.lifecycle.BackgroundSubscription;
import io.llmgateway.retrieval.IndexSynchronizer;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.Notification;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Keeps this replica's search index current: it listens on PostgreSQL's {@code gateway_retrieval_changed}
 * channel (the trigger of migration V3 notifies {@code <store id>/<file id>} whenever an attachment completes,
 * changes or goes away) and has the index sync that store, coalescing bursts. Every (re)connection syncs
 * everything, because notifications sent while it was not listening are lost.
 */
class RetrievalChangeListener extends BackgroundSubscription {

    static final String CHANNEL = "gateway_retrieval_changed";
    private static final Logger log = LoggerFactory.getLogger(RetrievalChangeListener.class);

    private final PostgresqlConnectionFactory connections;
    private final IndexSynchronizer index;

    RetrievalChangeListener(PostgresqlConnectionFactory connections, IndexSynchronizer index) {
        this.connections = connections;
        this.index = index;
    }

    @Override
    protected Disposable subscribe() {
        return Flux.usingWhen(connections.create(), this::listen, PostgresqlConnection::close)
                .doOnError(error -> log.warn("Retrieval change listener lost its connection: {}", error.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
                .subscribe(this::changed);
    }

    private Flux<Notification> listen(PostgresqlConnection connection) {
        Mono<Void> listening = connection
                .createStatement("LISTEN " + CHANNEL)
                .execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then(Mono.fromRunnable(index::requestAll));
        return listening
                .thenMany(connection.getNotifications())
                .concatWith(Mono.error(new IllegalStateException("notification stream ended")));
    }

    private void changed(Notification notification) {
        String payload = notification.getParameter();
        if (payload == null || payload.isEmpty()) {
            index.requestAll();
            return;
        }
        int slash = payload.indexOf('/');
        index.request(slash < 0 ? payload : payload.substring(0, slash));
    }
}
