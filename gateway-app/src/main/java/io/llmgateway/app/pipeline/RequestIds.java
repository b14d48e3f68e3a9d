package io.llmgateway.app.pipeline;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: {@code req_} and 24 hex digits of randomness, cheap enough for the hot path. Each is the identity of
 * one usage record and the {@code x-request-id} the client sees.
 */
public final class RequestIds {

    /** The response header that carries the request id. */
    public static final String HEADER = "x-request-id";

    private RequestIds() {}

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + hex(random.nextLong(), 16) + hex(random.nextInt(), 8);
    }

    private static String hex(long value, int digits) {
        String hex = Long.toHexString(value);
        if (hex.length() > digits) {
            return hex.substring(hex.length() - digits);
        }
        return "0".repeat(digits - hex.length()) + hex;
    }
}
