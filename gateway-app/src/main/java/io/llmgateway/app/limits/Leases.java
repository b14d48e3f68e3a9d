package io.llmgateway.app.limits;

import java.time.Duration;

/** The timing rules of reservation leases, shared by the backends. */
final class Leases {

    /**
     * How much longer than a lease a reservation's record is kept. The record is what makes a repeated settle, a
     * settle retried in the background, or a reservation overtaken by its release do nothing, so it must outlive
     * the retries ({@link SettleRetries}: about 90 s) even when the lease is short.
     */
    private static final Duration RECORD_MARGIN = Duration.ofMinutes(2);

    private Leases() {}

    /** How long the record of a reservation (open, settled or released) is kept. */
    static long recordMillis(Duration leaseDuration) {
        return checked(leaseDuration).plus(RECORD_MARGIN).toMillis();
    }

    static Duration checked(Duration leaseDuration) {
        if (leaseDuration == null || leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("the lease duration must be positive: " + leaseDuration);
        }
        return leaseDuration;
    }
}
