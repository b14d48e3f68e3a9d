package io.llmgateway.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound allowances for Netty itself, loaded in every module's tests through {@code META-INF/services}: each is
 * an in-memory critical section of a few instructions, never I/O.
 */
public final class NettyBlockHoundAllowances implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Netty's adaptive allocator adds a magazine under a StampedLock when its threads contend for buffers (many
        // reads in flight at once); a thread that loses the race parks for the length of that bookkeeping.
        builder.allowBlockingCallsInside(
                "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
