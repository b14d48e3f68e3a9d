package io.llmgateway.app.limits;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code x-ratelimit-*} headers that OpenAI sends and its SDKs read, for the tightest per-minute request and
 * token limit that applied to a request (absent when no such limit applies).
 */
public record RateLimitHeaders(
        @Nullable Window requests, @Nullable Window tokens) {

    static final RateLimitHeaders NONE = new RateLimitHeaders(null, null);

    /** The headers by name; empty when no per-minute limit applied. */
    public Map<String, String> asMap() {
        if (requests == null && tokens == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>(8);
        // the names written out, not concatenated per response
        if (requests != null) {
            requests.putInto(
                    headers,
                    "x-ratelimit-limit-requests",
                    "x-ratelimit-remaining-requests",
                    "x-ratelimit-reset-requests");
        }
        if (tokens != null) {
            tokens.putInto(
                    headers, "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");
        }
        return headers;
    }

    /** A limit, what is left of it, and when its window starts again. */
    public record Window(long limit, long remaining, Duration reset) {

        void putInto(Map<String, String> headers, String limitName, String remainingName, String resetName) {
            headers.put(limitName, Long.toString(limit));
            headers.put(remainingName, Long.toString(Math.max(0, remaining)));
            headers.put(resetName, format(reset));
        }

        /** OpenAI's duration format: {@code 850ms}, {@code 12s}, {@code 1m0s}. */
        static String format(Duration duration) {
            long millis = Math.max(0, duration.toMillis());
            if (millis < 1000) {
                return millis + "ms";
            }
            long seconds = (millis + 999) / 1000;
            return seconds < 60 ? seconds + "s" : (seconds / 60) + "m" + (seconds % 60) + "s";
        }
    }
}
