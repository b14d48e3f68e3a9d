package io.llmgateway.auth.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Fresh from memory, changes honoured when they can be read, the last known row while the database is away. */
class RefreshingCacheTests {

    private static final class Away extends RuntimeException {
        Away() {
            super("database away", null, false, false);
        }
    }

    private final AtomicReference<String> row = new AtomicReference<>("v1");
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger queries = new AtomicInteger();
    private final Function<String, Mono<String>> database = key -> Mono.defer(() -> {
        queries.incrementAndGet();
        return down.get() ? Mono.error(new Away()) : Mono.justOrEmpty(row.get());
    });

    private RefreshingCache<String> cache(Duration ttl, Duration maxStale) {
        return new RefreshingCache<>(ttl, maxStale, 100, error -> error instanceof Away);
    }

    @Test
    void aFreshEntryIsServedFromMemoryAndAChangeIsReadAtTheNextRequest() {
        RefreshingCache<String> cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(cache.get("k", database).block()).isEqualTo("v1");
        assertThat(cache.get("k", database).block()).isEqualTo("v1");
        assertThat(queries.get()).isEqualTo(1);

        row.set("revoked");
        cache.invalidateAll();
        assertThat(cache.get("k", database).block())
                .as("the change is read at once")
                .isEqualTo("revoked");
    }

    @Test
    void whileTheDatabaseIsAwayTheLastKnownRowIsServedUntilMaxStale() throws InterruptedException {
        RefreshingCache<String> cache = cache(Duration.ofMillis(1), Duration.ofMillis(600));
        assertThat(cache.get("k", database).block()).isEqualTo("v1");
        down.set(true);
        cache.invalidateAll();
        assertThat(cache.get("k", database).block()).isEqualTo("v1");
        assertThat(cache.get("k", database).block()).isEqualTo("v1");
        assertThat(cache.staleServed()).isEqualTo(2);
        assertThatThrownBy(() -> cache.get("never-seen", database).block()).isInstanceOf(Away.class);

        Thread.sleep(700);
        assertThatThrownBy(() -> cache.get("k", database).block())
                .as("not beyond max-stale")
                .isInstanceOf(Away.class);

        down.set(false);
        row.set("v2");
        assertThat(cache.get("k", database).block()).isEqualTo("v2");
    }

    @Test
    void aFailureForAnotherReasonIsNotHiddenByAStaleRow() {
        RefreshingCache<String> cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(cache.get("k", database).block()).isEqualTo("v1");
        cache.invalidateAll();
        assertThatThrownBy(() -> cache.get("k", key -> Mono.error(new IllegalStateException("bug")))
                        .block())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentRequestsForOneKeyShareOneQuery() {
        RefreshingCache<String> cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
        Sinks.One<String> answer = Sinks.one();
        AtomicInteger asked = new AtomicInteger();
        Function<String, Mono<String>> slow = key -> {
            asked.incrementAndGet();
            return answer.asMono();
        };
        var first = cache.get("k", slow).toFuture();
        var second = cache.get("k", slow).toFuture();
        answer.tryEmitValue("shared");
        assertThat(first.join()).isEqualTo("shared");
        assertThat(second.join()).isEqualTo("shared");
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void absentRowsAreCachedToo() {
        RefreshingCache<String> cache = cache(Duration.ofMinutes(5), Duration.ofHours(1));
        row.set(null);
        assertThat(cache.get("unknown", database).blockOptional()).isEmpty();
        assertThat(cache.get("unknown", database).blockOptional()).isEmpty();
        assertThat(queries.get()).isEqualTo(1);
    }
}
