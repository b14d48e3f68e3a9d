package io.llmgateway.app.usage;

import io.llmgateway.testsupport.PostgresSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Reads the usage ledger of a test database, waiting for records that are written in the background. */
public final class Ledger {

    private final PostgresSupport.Database database;

    public Ledger(PostgresSupport.Database database) {
        this.database = database;
    }

    /** The record of a request, waiting up to 10 s for the ledger to write it. */
    public Map<String, Object> record(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<Map<String, Object>> rows =
                    database.query("SELECT * FROM usage_records WHERE request_id = ?", requestId);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no usage record for " + requestId + " after 10 s");
            }
            pause();
        }
    }

    /** Waits until the query's single number reaches {@code expected}; returns what it last read. */
    public long awaitCount(String sql, long expected, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        long value;
        do {
            value = ((Number) database.query(sql).get(0).values().iterator().next()).longValue();
            if (value >= expected) {
                return value;
            }
            pause();
        } while (System.nanoTime() < deadline);
        return value;
    }

    public List<Map<String, Object>> query(String sql, Object... parameters) {
        return database.query(sql, parameters);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
