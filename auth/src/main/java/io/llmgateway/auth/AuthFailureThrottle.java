package io.llmgateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Slows down key guessing, and punishes only the guilty. Failed authentications are counted per client address and
 * per key id tried (the public part of a key, so a leaked id guessed at from many addresses is counted as one); when
 * either has had more than {@code maxFailures} within one {@code window}, a further <em>failure</em> from it is
 * answered 429 with the time left instead of 401. A valid key is never refused, whatever others did from the same
 * address or with the same id: the throttle only changes how failures are answered. Per replica.
 */
public final class AuthFailureThrottle {

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Window> windows;

    public AuthFailureThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
        this.windows = Caffeine.newBuilder()
                .expireAfterWrite(window)
                .maximumSize(200_000)
                .build();
    }

    /**
     * Counts a failed authentication; how long its source must wait, when the address or the key id is now over the
     * limit (answer 429), or empty (answer 401).
     *
     * @param address the client's address
     * @param keyId   the key id the client presented, or null when its key was not even well-formed
     */
    public Optional<Duration> failed(String address, @Nullable String keyId) {
        Instant now = clock.instant();
        Window byAddress = count("address " + address, now);
        Window byKey = keyId == null ? null : count("key " + keyId, now);
        Duration wait = null;
        if (byAddress.failures() > maxFailures) {
            wait = Duration.between(now, byAddress.end());
        }
        if (byKey != null && byKey.failures() > maxFailures) {
            Duration keyWait = Duration.between(now, byKey.end());
            wait = wait == null || keyWait.compareTo(wait) > 0 ? keyWait : wait;
        }
        return Optional.ofNullable(wait);
    }

    private Window count(String source, Instant now) {
        return windows.asMap()
                .compute(
                        source,
                        (k, current) -> current == null || !now.isBefore(current.end())
                                ? new Window(now.plus(window), 1)
                                : new Window(current.end(), current.failures() + 1));
    }

    private record Window(Instant end, int failures) {}
}
