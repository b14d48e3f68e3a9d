package io.llmgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AuthFailureThrottleTests {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final AuthFailureThrottle throttle = new AuthFailureThrottle(3, Duration.ofMinutes(1), clock);

    @Test
    void failuresFromAnAddressBeyondTheLimitAreAnsweredWithTheTimeLeftInItsWindow() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.failed("10.0.0.1", null)).isEmpty();
        }
        assertThat(throttle.failed("10.0.0.1", null)).contains(Duration.ofMinutes(1));
        assertThat(throttle.failed("10.0.0.2", null))
                .as("other addresses are unaffected")
                .isEmpty();

        now.set(now.get().plusSeconds(45));
        assertThat(throttle.failed("10.0.0.1", null)).contains(Duration.ofSeconds(15));
        now.set(now.get().plusSeconds(15));
        assertThat(throttle.failed("10.0.0.1", null)).as("a new window").isEmpty();
    }

    @Test
    void oneKeyIdTriedFromManyAddressesIsCountedAsOne() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.failed("10.0.1." + i, "leakedid0001")).isEmpty();
        }
        assertThat(throttle.failed("10.0.2.1", "leakedid0001"))
                .as("a fourth address, the same id")
                .contains(Duration.ofMinutes(1));
        assertThat(throttle.failed("10.0.2.2", "otherkeyid01")).isEmpty();
    }
}
