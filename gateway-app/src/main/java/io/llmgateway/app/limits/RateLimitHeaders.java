package io.llmgateway.app.limits;

import java.time.Duration;
import org.springframework.http.HttpHeaders;

/**
 * The {@code x-ratelimit-*} headers that OpenAI sends and its SDKs read, for the tightest per-minute request and
 * token limit that applied to a request (absent when no such limit applies).
 */
public record RateLimitHeaders(Window requests, Window tokens) {

    static final RateLimitHeaders NONE = new RateLimitHeaders(null, null);

    /** Sets the headers on a response. */
    public void applyTo(HttpHeaders headers) {
        if (requests != null) {
            requests.applyTo(headers, "requests");
        }
        if (tokens != null) {
            tokens.applyTo(headers, "tokens");
        }
    }

    /** A limit, what is left of it, and when its window starts again. */
    public record Window(long limit, long remaining, Duration reset) {

        void applyTo(HttpHeaders headers, String what) {
            headers.set("x-ratelimit-limit-" + what, Long.toString(limit));
            headers.set("x-ratelimit-remaining-" + what, Long.toString(Math.max(0, remaining)));
            headers.set("x-ratelimit-reset-" + what, format(reset));
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
