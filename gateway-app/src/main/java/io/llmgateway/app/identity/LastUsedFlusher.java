package io.llmgateway.app.identity;

import io.llmgateway.app.lifecycle.PeriodicFlush;
import io.llmgateway.app.lifecycle.PeriodicWork;
import io.llmgateway.auth.LastUsedRecorder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes last-used times of keys every few seconds, one statement per key used since the last write, instead of
 * a write per request. The update never moves a time backwards and does not fire the change notification
 * (the triggers ignore updates of {@code last_used_at} only).
 *
 * <p>At shutdown ({@link PeriodicFlush}), the times recorded since the last round are written once more, for at most
 * {@link #SHUTDOWN_TIMEOUT}: a key used in the last seconds before a restart still shows that use.
 */
public class LastUsedFlusher extends PeriodicFlush {

    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(LastUsedFlusher.class);

    private final LastUsedRecorder recorder;
    private final DatabaseClient db;
    private final Duration interval;

    public LastUsedFlusher(LastUsedRecorder recorder, DatabaseClient db, Duration interval) {
        this.recorder = recorder;
        this.db = db;
        this.interval = interval;
    }

    @Override
    protected PeriodicWork startRounds() {
        return PeriodicWork.start(
                interval,
                Schedulers.parallel(),
                this::flush,
                error -> log.warn("Could not record last-used times: {}", error.toString()));
    }

    @Override
    protected Mono<Void> shutdown(Mono<Void> lastRoundEnded) {
        return lastRoundEnded
                .then(Mono.defer(this::flush))
                .timeout(SHUTDOWN_TIMEOUT)
                .doOnError(error -> log.warn("Could not record the last-used times at shutdown: {}", error.toString()));
    }

    /**
     * Writes what was recorded; times that fail to write are put back for the next round. A failed write does not
     * stop the others; the round fails after all were tried.
     */
    public Mono<Void> flush() {
        Map<String, Instant> used = recorder.drain();
        return Flux.fromIterable(used.entrySet())
                .concatMapDelayError(entry -> db.sql("""
                                UPDATE api_keys SET last_used_at = :at
                                WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)""")
                        .bind("at", entry.getValue().atOffset(ZoneOffset.UTC))
                        .bind("id", entry.getKey())
                        .fetch()
                        .rowsUpdated()
                        .doOnError(error -> recorder.touch(entry.getKey(), entry.getValue())))
                .then();
    }
}
