package io.llmgateway.app.limits;

import org.jspecify.annotations.Nullable;

/**
 * One counter that an admission draws on: a request-per-minute window, a token budget for the month, the
 * concurrent requests of a key, ...
 *
 * @param key       the counter's name, unique across scopes and windows (the window's start is part of it)
 * @param type      how the counter holds reservations
 * @param amount    what this request takes from it (a request, reserved tokens, reserved pico-dollars; a slot
 *                  counts 1 whatever the amount)
 * @param limit     the most the counter may reach
 * @param ttlMillis how long the counter must live after this charge (its window's end plus a margin); a counter
 *                  that expires starts again from zero. Slots live at least as long as their leases.
 * @param seed      for a {@link CounterType#BUDGET budget}: the value to start it from if it does not exist (what
 *                  the ledger says was spent); null when not known yet, and the backend then reports the counter
 *                  as unseeded instead of charging it
 */
public record CounterCharge(
        String key,
        CounterType type,
        long amount,
        long limit,
        long ttlMillis,
        @Nullable Long seed) {

    /** A plain window counter. */
    public CounterCharge(String key, long amount, long limit, long ttlMillis) {
        this(key, CounterType.WINDOW, amount, limit, ttlMillis, null);
    }

    /** The same charge, starting its counter from {@code value} if it does not exist. */
    public CounterCharge withSeed(long value) {
        return new CounterCharge(key, type, amount, limit, ttlMillis, value);
    }

    /** Whether the backend must report this counter when it does not exist (rather than start it at zero). */
    boolean needsSeed() {
        return type == CounterType.BUDGET && seed == null;
    }
}
