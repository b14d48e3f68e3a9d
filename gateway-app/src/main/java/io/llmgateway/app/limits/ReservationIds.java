package io.llmgateway.app.limits;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids for reservations, unique across replicas: a random prefix drawn once per process, then a counter. Cheaper
 * than a random UUID per request, and nothing reads a random source on an event loop.
 */
final class ReservationIds {

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    ReservationIds() {
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        this.prefix = HexFormat.of().formatHex(random) + "-";
    }

    String next() {
        return prefix + Long.toString(next.incrementAndGet(), 36);
    }
}
