package io.llmgateway.app.limits;

/**
 * What a finished request really used of one counter it reserved: the settlement of that counter. The backend
 * corrects the counter by {@code used - reserved.amount()} when it still holds the reservation, adds {@code used}
 * when it lost it (a restart, an expired lease: the request's usage is not in the ledger yet), and never creates
 * a counter or drives one below zero. Zero used everywhere is a release.
 */
public record CounterUsage(CounterCharge reserved, long used) {}
