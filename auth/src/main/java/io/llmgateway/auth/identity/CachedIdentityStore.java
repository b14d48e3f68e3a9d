package io.llmgateway.auth.identity;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * An {@link IdentityStore} in front of another, so that authentication costs no database round trip per request.
 *
 * <p>Entries live at most {@code ttl} (a safety net); {@link #invalidateAll()} is called when the database
 * announces a change (PostgreSQL {@code NOTIFY}), which is what makes a revocation take effect on every replica
 * within a second. Absent results are cached too, so a flood of unknown key ids does not reach the database.
 */
public final class CachedIdentityStore implements IdentityStore {

    private final IdentityStore delegate;
    private final AsyncCache<String, Optional<KeyRecord>> keys;
    private final AsyncCache<String, Optional<UserRecord>> users;
    private final AsyncCache<String, Optional<ProjectRecord>> projects;
    private final AsyncCache<String, Optional<String>> roles;

    public CachedIdentityStore(IdentityStore delegate, Duration ttl, long maximumSize) {
        this.delegate = delegate;
        this.keys = cache(ttl, maximumSize);
        this.users = cache(ttl, maximumSize);
        this.projects = cache(ttl, maximumSize);
        this.roles = cache(ttl, maximumSize);
    }

    private static <V> AsyncCache<String, Optional<V>> cache(Duration ttl, long maximumSize) {
        return Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maximumSize).buildAsync();
    }

    private static <V> Mono<V> get(AsyncCache<String, Optional<V>> cache, String key,
                                   Function<String, Mono<V>> loader) {
        if (key == null) {
            return Mono.empty();
        }
        CompletableFuture<Optional<V>> cached = cache.getIfPresent(key);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
            // the common case on the hot path: answered from memory, without adapting a future
            return Mono.justOrEmpty(cached.getNow(Optional.empty()));
        }
        return Mono.fromFuture(() -> cache.get(key, (k, executor) -> loader.apply(k)
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .toFuture()), true)
                .flatMap(Mono::justOrEmpty);
    }

    @Override
    public Mono<KeyRecord> findKey(String keyId) {
        return get(keys, keyId, delegate::findKey);
    }

    @Override
    public Mono<UserRecord> findUser(String userId) {
        return get(users, userId, delegate::findUser);
    }

    @Override
    public Mono<ProjectRecord> findProject(String projectId) {
        return get(projects, projectId, delegate::findProject);
    }

    @Override
    public Mono<String> findRole(String projectId, String userId) {
        return get(roles, projectId + "\u0000" + userId, k -> delegate.findRole(projectId, userId));
    }

    /** Drops everything cached; the next look-ups read the database again. */
    public void invalidateAll() {
        keys.synchronous().invalidateAll();
        users.synchronous().invalidateAll();
        projects.synchronous().invalidateAll();
        roles.synchronous().invalidateAll();
    }
}
