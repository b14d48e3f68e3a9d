package io.llmgateway.app.usage;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.json.JsonMapper;

/** The usage ledger, the per-request meter and the usage queries. */
@Configuration(proxyBeanMethods = false)
public class UsageConfiguration {

    @Bean
    UsageLedger usageLedger(
            DatabaseClient db, LedgerQuarantine quarantine, LedgerProperties properties, MeterRegistry registry) {
        return new UsageLedger(new UsageWriter(db), quarantine, properties, registry);
    }

    @Bean
    LedgerQuarantine ledgerQuarantine(DatabaseClient db, JsonMapper gatewayJsonMapper) {
        return new LedgerQuarantine(new UsageWriter(db), db, gatewayJsonMapper);
    }

    @Bean
    UsageRecorders usageRecorders(UsageLedger ledger, MeterRegistry registry, UsageMetricsProperties properties) {
        return new UsageRecorders(ledger, registry, properties);
    }

    /** Part of readiness: {@code management.endpoint.health.group.readiness} in application.yml. */
    @Bean
    LedgerHealthIndicator ledgerHealthIndicator(UsageLedger ledger, LedgerProperties properties) {
        return new LedgerHealthIndicator(ledger, properties);
    }

    @Bean
    UsageQueries usageQueries(DatabaseClient db) {
        return new UsageQueries(db);
    }

    @Bean
    ServiceLevels serviceLevels(DatabaseClient db) {
        return new ServiceLevels(db);
    }
}
