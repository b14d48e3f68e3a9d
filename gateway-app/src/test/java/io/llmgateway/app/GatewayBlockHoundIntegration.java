package io.llmgateway.app;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The suite's BlockHound allow-list (loaded by BlockHound through {@code META-INF/services}). Each entry is a
 * library's short in-memory critical section, never I/O; everything else that blocks on a reactor thread fails the
 * test that does it.
 */
public final class GatewayBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Lettuce (the Redis limits backend) guards each command write with a lock held for a few instructions;
        // under contention it parks for microseconds. Left unlisted, BlockHound throws from inside the lock and
        // leaves Lettuce's SharedLock wedged (every later write spins forever), which is no real-world behaviour.
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
        // Resilience4j keeps the last events of each circuit breaker and bulkhead (for the actuator's *events
        // endpoints) in a ring buffer guarded by a StampedLock; parallel calls to one deployment contend for it
        // for a few instructions.
        builder.allowBlockingCallsInside(
                "io.github.resilience4j.circularbuffer.ConcurrentEvictingQueue", "writeConcurrently");
        // A circuit breaker records each call's outcome in its sliding window under a lock held for a few
        // instructions; parallel calls to one deployment contend for it.
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
        // Caffeine (the identity, limits and budget caches) applies pending writes under its eviction lock; a
        // writer helps when the write buffer is full and then waits for the lock for the length of that
        // maintenance (no I/O: the caches have no listeners). Thrown from inside the lock, BlockHound would leave the
        // cache's maintenance wedged, as with Lettuce above.
        builder.allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "performCleanUp");
        // The R2DBC driver answers PostgreSQL's SCRAM-SHA-256 challenge (the embedded server requires a password)
        // on its connection's event loop, and the client nonce comes from SecureRandom, which reads its buffered
        // bytes from /dev/urandom: a file read to BlockHound, but the kernel never makes it wait. It happens once
        // per new connection, not per request.
        builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions", "nonce");
        // The same read of /dev/urandom, for the console's session ids, CSRF tokens and the OAuth2 state, nonce and
        // PKCE verifier that Spring Security draws from SecureRandom on the event loop: /dev/urandom never blocks.
        builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
    }
}
