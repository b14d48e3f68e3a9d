package io.llmgateway.app.limits;

/**
 * What a {@link LimitBackend} answers to a reservation of several counters at once.
 *
 * @param outcome       what happened
 * @param refusedAt     the index of the first counter without room (-1 unless refused)
 * @param values        each counter's value after the charge when admitted; when refused, the values as found up to
 *                      the refused counter and 0 after it; empty otherwise
 * @param unseeded      when {@link Outcome#UNSEEDED}: the indexes of the budget counters that do not exist
 * @param leasesExpired leases found expired (and given back) while reserving
 */
public record Reservation(Outcome outcome, int refusedAt, long[] values, int[] unseeded, int leasesExpired) {

    private static final int[] NONE = new int[0];

    /** What a reservation did. */
    public enum Outcome {
        /** Every counter had room and all were charged (or the reservation id was charged already). */
        ADMITTED,
        /** A counter had no room; none was charged. */
        REFUSED,
        /** Budget counters do not exist: nothing was charged; reserve again with their seeds from the ledger. */
        UNSEEDED,
        /** The reservation id was settled or released already (the gateway gave up on it): nothing was charged. */
        RELEASED
    }

    public static Reservation admitted(long[] values) {
        return admitted(values, 0);
    }

    public static Reservation admitted(long[] values, int leasesExpired) {
        return new Reservation(Outcome.ADMITTED, -1, values, NONE, leasesExpired);
    }

    public static Reservation refused(int index, long[] values) {
        return refused(index, values, 0);
    }

    public static Reservation refused(int index, long[] values, int leasesExpired) {
        return new Reservation(Outcome.REFUSED, index, values, NONE, leasesExpired);
    }

    public static Reservation unseeded(int[] counters, int leasesExpired) {
        return new Reservation(Outcome.UNSEEDED, -1, new long[0], counters, leasesExpired);
    }

    public static Reservation released() {
        return new Reservation(Outcome.RELEASED, -1, new long[0], NONE, 0);
    }

    public boolean admitted() {
        return outcome == Outcome.ADMITTED;
    }
}
