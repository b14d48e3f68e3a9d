package io.llmgateway.core.provider;

import java.time.Duration;
import java.util.Objects;

/**
 * The time limits of one upstream call.
 *
 * @param connect       to establish the TCP (and TLS) connection
 * @param firstByte     from sending the request to the first streamed chunk, or to the whole JSON answer of a
 *                      non-streamed request (the client receives nothing before it)
 * @param betweenChunks the longest silence allowed between two chunks of a stream
 */
public record Timeouts(Duration connect, Duration firstByte, Duration betweenChunks) {

    /** 5 s to connect, 120 s to the first byte, 60 s between chunks. */
    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(60));

    public Timeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(firstByte, "firstByte");
        Objects.requireNonNull(betweenChunks, "betweenChunks");
    }
}
