package io.llmgateway.app.limits;

/** How a counter holds what reservations take from it, and so how it heals when a request dies unsettled. */
public enum CounterType {

    /**
     * A calendar-minute window (requests or tokens per minute): a plain number. A reservation that is never settled
     * heals with the window itself, which ends sooner than any lease.
     */
    WINDOW("w"),

    /**
     * A budget for a day or month: a number, plus a lease for each open reservation's amount, which is given back
     * when the lease expires unsettled. A budget counter that does not exist is first seeded from the ledger.
     */
    BUDGET("b"),

    /** Concurrent requests: one lease per open reservation; the count is the leases that have not expired. */
    SLOTS("s");

    /** The type's letter in the Redis scripts' arguments. */
    final String wire;

    CounterType(String wire) {
        this.wire = wire;
    }
}
