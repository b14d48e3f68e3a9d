package io.llmgateway.auth.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * A cache of database rows that keeps serving what it knows while the database is away, within a bound.
 *
 * <p>An entry is fresh for {@code ttl} after it was loaded; an older one is still served while it is loaded again
 * behind the request (the time limit is only a safety net for a missed notification). {@link #invalidateAll()} (a
 * change notification) marks every entry stale: a stale entry is loaded again by the next request, which waits for
 * the database as it would without a cache, so a change (a revocation) is honoured as soon as it can be read. Only
 * when that load fails because the database is away ({@code outage}) is the stale entry served instead; for a second
 * after such a failure stale entries are served at once (and loaded again behind the request), so a frozen database
 * does not make every request wait for its timeout. No entry is served later than {@code maxStale} after its last
 * successful load: then the failure goes to the caller (a 503). Concurrent loads of one key share one query. Absent
 * results are cached too, so a flood of unknown ids does not reach the database.
 *
 * @param <V> the row
 */
public final class RefreshingCache<V> {

    private static final long OUTAGE_MEMORY_NANOS = Duration.ofSeconds(1).toNanos();

    private final long ttlNanos;
    private final Predicate<Throwable> outage;
    private final Cache<String, Entry<V>> entries;
    private final ConcurrentHashMap<String, CompletableFuture<Entry<V>>> loading = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong staleServed = new AtomicLong();
    /** Until when ({@link System#nanoTime()}) the database counts as away after a failed load. */
    private volatile long outageUntil = System.nanoTime();

    /**
     * @param ttl         how long an entry is served without asking the database again
     * @param maxStale    how long after its last successful load an entry may still be served while the database is
     *                    away (at least {@code ttl})
     * @param maximumSize entries kept at most
     * @param outage      whether a load failed because the database is away (rather than for another reason)
     */
    public RefreshingCache(Duration ttl, Duration maxStale, long maximumSize, Predicate<Throwable> outage) {
        this.ttlNanos = ttl.toNanos();
        this.outage = outage;
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(maxStale.compareTo(ttl) > 0 ? maxStale : ttl)
                .maximumSize(maximumSize)
                .build();
    }

    /** The row for {@code key} (empty when there is none), loaded with {@code loader} unless a fresh one is held. */
    public Mono<V> get(String key, Function<String, Mono<V>> loader) {
        Entry<V> held = entries.getIfPresent(key);
        if (held != null) {
            long now = System.nanoTime();
            boolean current = held.generation() == generation.get();
            if (current && now - held.loadedAt() < ttlNanos) {
                // the common case: answered from memory, without a future
                return Mono.justOrEmpty(held.value());
            }
            boolean away = now - outageUntil < 0;
            if (current || away) {
                // loaded behind the request: a failure is handled in load (the outage is noted, the entry kept)
                var unused = load(key, loader);
                if (away) {
                    staleServed.incrementAndGet();
                }
                return Mono.justOrEmpty(held.value());
            }
        }
        Mono<Entry<V>> loaded = Mono.fromFuture(() -> load(key, loader), true);
        if (held != null) {
            loaded = loaded.onErrorResume(outage, error -> {
                staleServed.incrementAndGet();
                return Mono.just(held);
            });
        }
        return loaded.flatMap(entry -> Mono.justOrEmpty(entry.value()));
    }

    private CompletableFuture<Entry<V>> load(String key, Function<String, Mono<V>> loader) {
        CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
        CompletableFuture<Entry<V>> running = loading.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        long loadGeneration = generation.get();
        loader.apply(key)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(
                        value -> {
                            Entry<V> entry = new Entry<>(value, System.nanoTime(), loadGeneration);
                            entries.put(key, entry);
                            loading.remove(key, mine);
                            mine.complete(entry);
                        },
                        error -> {
                            if (outage.test(error)) {
                                outageUntil = System.nanoTime() + OUTAGE_MEMORY_NANOS;
                            }
                            loading.remove(key, mine);
                            mine.completeExceptionally(error);
                        });
        return mine;
    }

    /**
     * Marks every entry stale: each is loaded again when next asked for, and served as it was only while the
     * database cannot be read.
     */
    public void invalidateAll() {
        generation.incrementAndGet();
    }

    /** How many times a stale entry was served because the database was away. */
    public long staleServed() {
        return staleServed.get();
    }

    private record Entry<V>(Optional<V> value, long loadedAt, long generation) {}
}
