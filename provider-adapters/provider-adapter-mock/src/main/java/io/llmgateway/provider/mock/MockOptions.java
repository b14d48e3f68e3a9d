package io.llmgateway.provider.mock;

import java.time.Duration;

/**
 * Settings of a {@code mock} deployment.
 *
 * @param chunkDelay pause before each streamed chunk, to imitate a model's pace (default none)
 */
public record MockOptions(Duration chunkDelay) {

    public static final MockOptions DEFAULTS = new MockOptions(Duration.ZERO);

    public MockOptions {
        chunkDelay = chunkDelay == null ? Duration.ZERO : chunkDelay;
    }
}
