package io.llmgateway.auth;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers when each key was last used, in memory, so that a request costs no database write; the
 * application flushes {@link #drain()} to the database every few seconds.
 */
public final class LastUsedRecorder {

    private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();

    public void touch(String keyId, Instant at) {
        pending.merge(keyId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** What was recorded since the last drain, removed from the recorder. */
    public Map<String, Instant> drain() {
        Map<String, Instant> drained = new HashMap<>();
        for (String keyId : pending.keySet()) {
            Instant at = pending.remove(keyId);
            if (at != null) {
                drained.put(keyId, at);
            }
        }
        return drained;
    }
}
