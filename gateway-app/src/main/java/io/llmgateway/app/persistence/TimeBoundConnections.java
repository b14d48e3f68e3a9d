package io.llmgateway.app.persistence;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import org.springframework.dao.QueryTimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Connections on which nothing waits for the database longer than a limit. PostgreSQL's {@code statement_timeout}
 * cannot fire on a server that does not answer at all (frozen, or behind a network that drops packets), and the
 * driver has no read timeout: a statement, a row, a commit could wait for ever, and the request with it. Every
 * database operation here fails with {@link QueryTimeoutException} (a 503 {@code database_unavailable}) once nothing
 * has come for {@code limit}: the statement's results, each row, the transaction's begin, commit and rollback. The
 * connection it happened on is closed then, not left to the pool in the middle of a conversation: what the server
 * would still send for the abandoned statement has nowhere to go (and no buffer to lose), and the pool opens a new
 * connection when the database answers again.
 */
final class TimeBoundConnections implements ConnectionFactory, Wrapped<ConnectionFactory> {

    private final ConnectionFactory delegate;
    private final Duration limit;

    TimeBoundConnections(ConnectionFactory delegate, Duration limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(delegate.create()).map(BoundConnection::new);
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return delegate;
    }

    private QueryTimeoutException timedOut() {
        return new QueryTimeoutException("The database did not answer within " + limit.toMillis() + " ms");
    }

    private final class BoundConnection implements Connection, Wrapped<Connection> {

        private final Connection connection;

        BoundConnection(Connection connection) {
            this.connection = connection;
        }

        <T> Flux<T> bounded(Publisher<T> publisher) {
            return Flux.from(publisher).timeout(limit, Flux.defer(() -> {
                abandon();
                return Flux.error(timedOut());
            }));
        }

        <T> Mono<T> boundedMono(Publisher<T> publisher) {
            return Mono.from(publisher).timeout(limit, Mono.defer(() -> {
                abandon();
                return Mono.error(timedOut());
            }));
        }

        /** Closes the physical connection under the pool's handle: its conversation is in an unknown state. */
        private void abandon() {
            Connection physical = connection;
            while (physical instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof Connection inner) {
                physical = inner;
            }
            Mono.from(physical.close()).onErrorComplete().subscribe();
        }

        @Override
        public Connection unwrap() {
            return connection;
        }

        @Override
        public Publisher<Void> beginTransaction() {
            return boundedMono(connection.beginTransaction());
        }

        @Override
        public Publisher<Void> beginTransaction(TransactionDefinition definition) {
            return boundedMono(connection.beginTransaction(definition));
        }

        @Override
        public Publisher<Void> close() {
            // a close is also a release to the pool: it must happen whatever the database does
            return connection.close();
        }

        @Override
        public Publisher<Void> commitTransaction() {
            return boundedMono(connection.commitTransaction());
        }

        @Override
        public Batch createBatch() {
            return connection.createBatch();
        }

        @Override
        public Publisher<Void> createSavepoint(String name) {
            return boundedMono(connection.createSavepoint(name));
        }

        @Override
        public Statement createStatement(String sql) {
            return new BoundStatement(this, connection.createStatement(sql));
        }

        @Override
        public boolean isAutoCommit() {
            return connection.isAutoCommit();
        }

        @Override
        public ConnectionMetadata getMetadata() {
            return connection.getMetadata();
        }

        @Override
        public IsolationLevel getTransactionIsolationLevel() {
            return connection.getTransactionIsolationLevel();
        }

        @Override
        public Publisher<Void> releaseSavepoint(String name) {
            return boundedMono(connection.releaseSavepoint(name));
        }

        @Override
        public Publisher<Void> rollbackTransaction() {
            return boundedMono(connection.rollbackTransaction());
        }

        @Override
        public Publisher<Void> rollbackTransactionToSavepoint(String name) {
            return boundedMono(connection.rollbackTransactionToSavepoint(name));
        }

        @Override
        public Publisher<Void> setAutoCommit(boolean autoCommit) {
            return boundedMono(connection.setAutoCommit(autoCommit));
        }

        @Override
        public Publisher<Void> setLockWaitTimeout(Duration timeout) {
            return boundedMono(connection.setLockWaitTimeout(timeout));
        }

        @Override
        public Publisher<Void> setStatementTimeout(Duration timeout) {
            return boundedMono(connection.setStatementTimeout(timeout));
        }

        @Override
        public Publisher<Void> setTransactionIsolationLevel(IsolationLevel level) {
            return boundedMono(connection.setTransactionIsolationLevel(level));
        }

        @Override
        public Publisher<Boolean> validate(ValidationDepth depth) {
            return boundedMono(connection.validate(depth));
        }
    }

    private static final class BoundStatement implements Statement {

        private final BoundConnection connection;
        private final Statement statement;

        BoundStatement(BoundConnection connection, Statement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        @Override
        public Statement add() {
            statement.add();
            return this;
        }

        @Override
        public Statement bind(int index, Object value) {
            statement.bind(index, value);
            return this;
        }

        @Override
        public Statement bind(String name, Object value) {
            statement.bind(name, value);
            return this;
        }

        @Override
        public Statement bindNull(int index, Class<?> type) {
            statement.bindNull(index, type);
            return this;
        }

        @Override
        public Statement bindNull(String name, Class<?> type) {
            statement.bindNull(name, type);
            return this;
        }

        @Override
        public Statement returnGeneratedValues(String... columns) {
            statement.returnGeneratedValues(columns);
            return this;
        }

        @Override
        public Statement fetchSize(int rows) {
            statement.fetchSize(rows);
            return this;
        }

        @Override
        public Publisher<? extends Result> execute() {
            return connection.bounded(statement.execute()).map(result -> new BoundResult(connection, result));
        }
    }

    private static final class BoundResult implements Result {

        private final BoundConnection connection;
        private final Result result;

        BoundResult(BoundConnection connection, Result result) {
            this.connection = connection;
            this.result = result;
        }

        @Override
        public Publisher<Long> getRowsUpdated() {
            return connection.bounded(result.getRowsUpdated());
        }

        @Override
        public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mapping) {
            return connection.bounded(result.map(mapping));
        }

        @Override
        public <T> Publisher<T> map(Function<? super Readable, ? extends T> mapping) {
            return connection.bounded(result.map(mapping));
        }

        @Override
        public Result filter(Predicate<Segment> filter) {
            return new BoundResult(connection, result.filter(filter));
        }

        @Override
        public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mapping) {
            return connection.bounded(result.flatMap(mapping));
        }
    }
}
