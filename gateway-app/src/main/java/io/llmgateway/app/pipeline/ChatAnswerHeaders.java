package io.llmgateway.app.pipeline;

/** The gateway's own headers on a chat answer. */
public final class ChatAnswerHeaders {

    /** The parameters the model's profile dropped from the request, comma-separated. */
    public static final String DROPPED_PARAMS = "x-gateway-dropped-params";
    /** The time the gateway itself added, in milliseconds with three decimals ({@link #millis}). */
    public static final String OVERHEAD = "x-gateway-overhead-ms";

    private ChatAnswerHeaders() {}

    /**
     * {@code nanos} (negative counts as 0) in milliseconds with three decimals, rounded half up to the microsecond
     * ({@code "0.412"}): what {@code String.format(Locale.ROOT, "%.3f", nanos / 1e6)} gives, without a
     * {@code Formatter} on every answer.
     */
    static String millis(long nanos) {
        long micros = (Math.max(0, nanos) + 500) / 1000;
        int fraction = (int) (micros % 1000);
        StringBuilder text = new StringBuilder(24).append(micros / 1000).append('.');
        if (fraction < 100) {
            text.append('0');
        }
        if (fraction < 10) {
            text.append('0');
        }
        return text.append(fraction).toString();
    }
}
