package io.llmgateway.app.persistence;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * PostgreSQL for the gateway: the server (external or embedded), schema migrations with Flyway over JDBC at
 * start-up, then a reactive R2DBC pool for everything at request time.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    @Bean
    DatabaseServer databaseServer(DatabaseProperties properties) {
        return new DatabaseServer(properties);
    }

    @Bean
    SchemaMigrations schemaMigrations(DatabaseServer server, DatabaseProperties properties) {
        SchemaMigrations migrations = new SchemaMigrations(server.endpoint());
        if (properties.migrate()) {
            migrations.migrate();
        }
        return migrations;
    }

    /**
     * The pool every request uses. Its connections run each statement under PostgreSQL's {@code statement_timeout};
     * a connection waits at most {@code acquire-timeout} to be handed out, and is checked before that.
     */
    @Bean(destroyMethod = "dispose")
    ConnectionPool connectionPool(DatabaseServer server, SchemaMigrations migrations, DatabaseProperties properties) {
        PostgresqlConnectionFactory connections = new PostgresqlConnectionFactory(configuration(server.endpoint())
                .statementTimeout(properties.statementTimeout())
                .lockWaitTimeout(properties.statementTimeout())
                .build());
        return new ConnectionPool(ConnectionPoolConfiguration.builder(connections)
                .maxSize(properties.poolSize())
                .initialSize(Math.min(2, properties.poolSize()))
                .maxIdleTime(Duration.ofMinutes(10))
                .maxAcquireTime(properties.acquireTimeout())
                // the acquire timeout covers only a wait for a busy pool, not a new connection whose server never
                // answers the handshake (frozen, packets dropped): that one is bounded here
                .maxCreateConnectionTime(properties.acquireTimeout())
                // a connection handed out is checked locally (still open); a query to check it would be cancelled
                // by its time limit when the database hangs, and the driver then loses the rows that come late
                .validationDepth(ValidationDepth.LOCAL)
                .name("gateway")
                .build());
    }

    /**
     * The connections every request and transaction uses: the pool's, on which nothing waits for the database more
     * than a little longer than {@code statement-timeout} ({@link TimeBoundConnections}), so that a database that does
     * not answer at all is a 503 {@code database_unavailable}, not a request that hangs.
     */
    @Bean
    @Primary
    ConnectionFactory connectionFactory(ConnectionPool connectionPool, DatabaseProperties properties) {
        return new TimeBoundConnections(
                connectionPool, properties.statementTimeout().plusSeconds(2));
    }

    @Bean
    DatabaseClient databaseClient(ConnectionFactory connectionFactory) {
        return DatabaseClient.create(connectionFactory);
    }

    /** {@code database} under {@code /actuator/health}, in place of Spring Boot's R2DBC check, which has no timeout. */
    @Bean
    DatabaseHealthIndicator databaseHealthIndicator(DatabaseClient databaseClient) {
        return new DatabaseHealthIndicator(databaseClient);
    }

    /** Unpooled connections, for the few long-lived ones (e.g. {@code LISTEN}); requests use the pool. */
    public static PostgresqlConnectionFactory directConnections(DatabaseEndpoint endpoint) {
        return new PostgresqlConnectionFactory(configuration(endpoint).build());
    }

    private static PostgresqlConnectionConfiguration.Builder configuration(DatabaseEndpoint endpoint) {
        PostgresqlConnectionConfiguration.Builder configuration = PostgresqlConnectionConfiguration.builder()
                .host(endpoint.host())
                .port(endpoint.port())
                .database(endpoint.database())
                .username(endpoint.username())
                .applicationName("llm-gateway")
                .connectTimeout(Duration.ofSeconds(5));
        if (endpoint.password() != null) {
            configuration.password(endpoint.password());
        }
        if (endpoint.sslMode() != null) {
            configuration.sslMode(SSLMode.fromValue(endpoint.sslMode()));
        }
        return configuration.tcpKeepAlive(true);
    }

    /** Flyway over JDBC: migrations in {@code db/migration}, written for PostgreSQL. */
    public static final class SchemaMigrations {

        private final DatabaseEndpoint endpoint;

        public SchemaMigrations(DatabaseEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        /** Applies pending migrations; returns how many ran. */
        public int migrate() {
            return Flyway.configure()
                    .dataSource(endpoint.jdbcUrl(), endpoint.username(), endpoint.password())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate()
                    .migrationsExecuted;
        }
    }
}
