package io.llmgateway.auth.identity;

import java.time.Duration;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * An {@link IdentityStore} in front of another, so that authentication costs no database round trip per request,
 * and keeps working through a database outage.
 *
 * <p>Entries are fresh for {@code ttl} (a safety net); {@link #invalidateAll()} is called when the database announces
 * a change (PostgreSQL {@code NOTIFY}) and makes the next request read the row again, which is what makes a
 * revocation take effect on every replica within a second. While the database is away, keys, users, projects and
 * memberships already verified keep being served as last read, for at most {@code maxStale} after that read
 * ({@link RefreshingCache}); keys never seen before cannot be verified then. Absent results are cached too, so a flood
 * of unknown key ids does not reach the database.
 */
public final class CachedIdentityStore implements IdentityStore {

    private final IdentityStore delegate;
    private final RefreshingCache<KeyRecord> keys;
    private final RefreshingCache<UserRecord> users;
    private final RefreshingCache<ProjectRecord> projects;
    private final RefreshingCache<String> roles;

    /**
     * @param outage whether a failed look-up means the database is away (then a stale entry is served)
     */
    public CachedIdentityStore(
            IdentityStore delegate, Duration ttl, Duration maxStale, long maximumSize, Predicate<Throwable> outage) {
        this.delegate = delegate;
        this.keys = new RefreshingCache<>(ttl, maxStale, maximumSize, outage);
        this.users = new RefreshingCache<>(ttl, maxStale, maximumSize, outage);
        this.projects = new RefreshingCache<>(ttl, maxStale, maximumSize, outage);
        this.roles = new RefreshingCache<>(ttl, maxStale, maximumSize, outage);
    }

    @Override
    public Mono<KeyRecord> findKey(String keyId) {
        return keyId == null ? Mono.empty() : keys.get(keyId, delegate::findKey);
    }

    @Override
    public Mono<UserRecord> findUser(String userId) {
        return userId == null ? Mono.empty() : users.get(userId, delegate::findUser);
    }

    @Override
    public Mono<ProjectRecord> findProject(String projectId) {
        return projectId == null ? Mono.empty() : projects.get(projectId, delegate::findProject);
    }

    @Override
    public Mono<String> findRole(String projectId, String userId) {
        if (projectId == null || userId == null) {
            return Mono.empty();
        }
        return roles.get(projectId + "\u0000" + userId, k -> delegate.findRole(projectId, userId));
    }

    /** Marks everything cached stale; the next look-ups read the database again (or serve it while it is away). */
    public void invalidateAll() {
        keys.invalidateAll();
        users.invalidateAll();
        projects.invalidateAll();
        roles.invalidateAll();
    }

    /** How many look-ups were answered from a stale entry because the database was away. */
    public long staleServed() {
        return keys.staleServed() + users.staleServed() + projects.staleServed() + roles.staleServed();
    }
}
