package io.llmgateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Slows down key guessing: a client address with more than {@code maxFailures} failed authentications within
 * one {@code window} is refused (429) until the window ends. Other addresses are unaffected. Per replica.
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
        this.windows = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).build();
    }

    /** How long the address must wait, when it is refused now. */
    public Optional<Duration> refusal(String address) {
        Window current = windows.getIfPresent(address);
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.end()) || current.failures() <= maxFailures) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, current.end()));
    }

    public void recordFailure(String address) {
        Instant now = clock.instant();
        windows.asMap().compute(address, (k, current) -> current == null || !now.isBefore(current.end())
                ? new Window(now.plus(window), 1)
                : new Window(current.end(), current.failures() + 1));
    }

    private record Window(Instant end, int failures) {
    }
}
