package io.llmgateway.app.identity;

import io.llmgateway.app.persistence.DatabaseCache;
import io.llmgateway.app.persistence.DatabaseConfiguration;
import io.llmgateway.app.persistence.DatabaseFailures;
import io.llmgateway.app.persistence.DatabaseServer;
import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.auth.CallerResolver;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.auth.LastUsedRecorder;
import io.llmgateway.auth.identity.CachedIdentityStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Keys, users and projects: the cached store, key verification, caller resolution and their upkeep. */
@Configuration(proxyBeanMethods = false)
public class IdentityConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Keeps serving verified identities through a database outage, within cache-max-stale. */
    @Bean
    CachedIdentityStore identityStore(DatabaseClient db, IdentityProperties properties, MeterRegistry registry) {
        CachedIdentityStore store = new CachedIdentityStore(
                new R2dbcIdentityStore(db),
                properties.cacheTtl(),
                properties.cacheMaxStale(),
                properties.cacheMaximumSize(),
                DatabaseFailures::unavailable);
        FunctionCounter.builder("gateway.identity.stale.served", store, CachedIdentityStore::staleServed)
                .description("Identity look-ups answered as last read because the database was away")
                .register(registry);
        return store;
    }

    @Bean
    IdentityChangeListener identityChangeListener(
            DatabaseServer server, CachedIdentityStore identityStore, ObjectProvider<DatabaseCache> otherCaches) {
        List<DatabaseCache> caches = new ArrayList<>();
        caches.add(identityStore::invalidateAll);
        otherCaches.orderedStream().forEach(caches::add);
        return new IdentityChangeListener(DatabaseConfiguration.directConnections(server.endpoint()), caches);
    }

    @Bean
    LastUsedRecorder lastUsedRecorder() {
        return new LastUsedRecorder();
    }

    @Bean
    LastUsedFlusher lastUsedFlusher(LastUsedRecorder recorder, DatabaseClient db, IdentityProperties properties) {
        return new LastUsedFlusher(recorder, db, properties.lastUsedFlushInterval());
    }

    @Bean
    KeyVerifier keyVerifier(CachedIdentityStore identityStore, LastUsedRecorder recorder, Clock clock) {
        return new KeyVerifier(identityStore, recorder, clock);
    }

    @Bean
    CallerResolver callerResolver(CachedIdentityStore identityStore) {
        return new CallerResolver(identityStore);
    }

    @Bean
    AuthFailureThrottle authFailureThrottle(IdentityProperties properties, Clock clock) {
        return new AuthFailureThrottle(properties.failureLimit(), properties.failureWindow(), clock);
    }

    /** Runs once at start-up, after the migrations, before the server accepts requests. */
    @Bean
    AdminBootstrap adminBootstrap(
            DatabaseServer server, DatabaseConfiguration.SchemaMigrations migrations, IdentityProperties properties) {
        AdminBootstrap bootstrap = new AdminBootstrap(server.endpoint(), properties, System.out);
        bootstrap.run();
        return bootstrap;
    }
}
