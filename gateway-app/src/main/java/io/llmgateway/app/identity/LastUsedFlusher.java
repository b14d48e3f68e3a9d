package io.llmgateway.app.identity;

import io.llmgateway.app.lifecycle.PeriodicWork;
import io.llmgateway.auth.LastUsedRecorder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes last-used times of keys every few seconds, one statement per key used since the last write, instead of
 * a write per request. The update never moves a time backwards and does not fire the change notification
 * (the triggers ignore updates of {@code last_used_at} only).
 *
 * <p>At shutdown, after the web server has stopped (so every request has been authenticated by then), the round
 * under way finishes and the times recorded since are written once more, for at most {@link #SHUTDOWN_TIMEOUT}:
 * a key used in the last seconds before a restart still shows that use.
 */
public class LastUsedFlusher implements SmartLifecycle {

    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(LastUsedFlusher.class);

    private final LastUsedRecorder recorder;
    private final DatabaseClient db;
    private final Duration interval;
    private volatile PeriodicWork loop;

    public LastUsedFlusher(LastUsedRecorder recorder, DatabaseClient db, Duration interval) {
        this.recorder = recorder;
        this.db = db;
        this.interval = interval;
    }

    @Override
    public void start() {
        loop = PeriodicWork.start(interval, Schedulers.parallel(), this::flush,
                error -> log.warn("Could not record last-used times: {}", error.toString()));
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stop(Runnable) is used");
    }

    @Override
    public void stop(Runnable callback) {
        PeriodicWork current = loop;
        loop = null;
        (current == null ? Mono.<Void>empty() : current.stop())
                .then(Mono.defer(this::flush))
                .timeout(SHUTDOWN_TIMEOUT)
                .doOnError(error -> log.warn("Could not record the last-used times at shutdown: {}",
                        error.toString()))
                .doFinally(signal -> callback.run())
                .subscribe(done -> { }, error -> { });
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    /** After the web server has stopped, with the usage ledger. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
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
                        .fetch().rowsUpdated()
                        .doOnError(error -> recorder.touch(entry.getKey(), entry.getValue())))
                .then();
    }
}
