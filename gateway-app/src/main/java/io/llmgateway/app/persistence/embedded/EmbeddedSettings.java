package io.llmgateway.app.persistence.embedded;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the embedded server is told (mapped from {@code gateway.database.embedded.*}).
 *
 * @param dataDir      its data directory; created at the first start
 * @param port         its port on 127.0.0.1; 0 picks a free one at the first start, kept for restarts
 * @param startTimeout the longest a start may take before it counts as failed (crash recovery included)
 * @param stopTimeout  the longest a fast shutdown may take before an immediate one
 */
public record EmbeddedSettings(Path dataDir, int port, Duration startTimeout, Duration stopTimeout) {}
