package io.llmgateway.core.provider;

/**
 * When one call's request left for its upstream: the moment its last byte was written to the connection. From then
 * until the answer is there, the time is the upstream's (and the network's), not the gateway's; what comes before
 * (writing the JSON, taking a pooled connection, connecting) is the gateway's, which {@code x-gateway-overhead-ms}
 * counts. An adapter that writes to a socket stamps it; one that does not (the built-in mock) leaves it unstamped,
 * and the call's start stands in for it.
 */
public final class UpstreamWait {

    private volatile long sentNanos;

    /** Stamps now ({@link System#nanoTime()}) as the moment the request was written; a retry stamps again. */
    public void sent() {
        sentNanos = System.nanoTime();
    }

    /** The {@link System#nanoTime()} when the request was written, or {@code 0} when it was not stamped. */
    public long sentNanos() {
        return sentNanos;
    }
}
