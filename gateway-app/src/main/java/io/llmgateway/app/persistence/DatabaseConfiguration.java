package io.llmgateway.app.persistence;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    @Bean(destroyMethod = "dispose")
    ConnectionPool connectionFactory(DatabaseServer server, SchemaMigrations migrations,
                                     DatabaseProperties properties) {
        return new ConnectionPool(ConnectionPoolConfiguration.builder(directConnections(server.endpoint()))
                .maxSize(properties.poolSize())
                .initialSize(Math.min(2, properties.poolSize()))
                .maxIdleTime(Duration.ofMinutes(10))
                .maxAcquireTime(Duration.ofSeconds(10))
                .validationQuery("SELECT 1")
                .name("gateway")
                .build());
    }

    /** Unpooled connections, for the few long-lived ones (e.g. {@code LISTEN}); requests use the pool. */
    public static PostgresqlConnectionFactory directConnections(DatabaseEndpoint endpoint) {
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
        return new PostgresqlConnectionFactory(configuration.build());
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
