package io.llmgateway.app.admin;

import io.llmgateway.app.limits.LimitsRepository;
import io.llmgateway.app.routing.ModelRouter;
import io.llmgateway.auth.identity.CachedIdentityStore;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.json.JsonMapper;

/** The admin API's stores, each change in one transaction with its audit entry. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    ReactiveTransactionManager transactionManager(ConnectionFactory connectionFactory) {
        return new R2dbcTransactionManager(connectionFactory);
    }

    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactionManager) {
        return TransactionalOperator.create(transactionManager);
    }

    @Bean
    AdminAccessPolicy adminAccessPolicy(CachedIdentityStore identityStore, Clock clock) {
        return new AdminAccessPolicy(identityStore, clock);
    }

    @Bean
    AuditLog auditLog(DatabaseClient db, JsonMapper gatewayJsonMapper) {
        return new AuditLog(db, gatewayJsonMapper);
    }

    @Bean
    UserAdminStore userAdminStore(DatabaseClient db, TransactionalOperator tx, AuditLog audit) {
        return new UserAdminStore(db, tx, audit);
    }

    @Bean
    ProjectAdminStore projectAdminStore(
            DatabaseClient db, TransactionalOperator tx, AuditLog audit, ModelRouter models) {
        return new ProjectAdminStore(db, tx, audit, models);
    }

    @Bean
    LimitsAdminStore limitsAdminStore(
            DatabaseClient db, TransactionalOperator tx, AuditLog audit, LimitsRepository limits) {
        return new LimitsAdminStore(db, tx, audit, limits);
    }

    @Bean
    KeyAdminStore keyAdminStore(DatabaseClient db, TransactionalOperator tx, AuditLog audit, Clock clock) {
        return new KeyAdminStore(db, tx, audit, new ApiKeyFormat(), clock);
    }
}
