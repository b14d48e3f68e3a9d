package io.llmgateway.app.limits;

/**
 * What a {@link LimitBackend} answers to a reservation of several counters at once.
 *
 * @param admitted  whether every counter had room; then every counter was charged, otherwise none was
 * @param refusedAt the index of the first counter without room (-1 when admitted)
 * @param values    each counter's value after the charge when admitted; when refused, the values as found
 */
public record Reservation(boolean admitted, int refusedAt, long[] values) {

    public static Reservation admitted(long[] values) {
        return new Reservation(true, -1, values);
    }

    public static Reservation refused(int index, long[] values) {
        return new Reservation(false, index, values);
    }
}
