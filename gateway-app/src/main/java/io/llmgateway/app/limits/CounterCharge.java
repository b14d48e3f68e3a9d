package io.llmgateway.app.limits;

/**
 * One counter that an admission draws on: a request-per-minute window, a token budget for the month, the
 * concurrent requests of a key, ...
 *
 * @param key       the counter's name, unique across scopes and windows (the window's start is part of it)
 * @param amount    what this request takes from it (a request, reserved tokens, reserved nano-dollars)
 * @param limit     the most the counter may reach
 * @param ttlMillis how long the counter must live after this charge (its window's end plus a margin); a counter
 *                  that expires starts again from zero
 */
public record CounterCharge(String key, long amount, long limit, long ttlMillis) {
}
