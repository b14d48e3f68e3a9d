package io.llmgateway.app.lifecycle;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

/**
 * What requests leave in memory, written to the database by periodic rounds and once more at shutdown: the usage
 * ledger's records, the keys' last-used times.
 *
 * <p>The shutdown comes after the web server has stopped, so no request adds anything any more. The round under
 * way is let finish rather than cancelled halfway (its outcome would be unknown, and it would race the last write
 * for the same data); then {@link #shutdown} writes what is left, within a time it bounds itself, and Spring goes
 * on.
 */
public abstract class PeriodicFlush implements SmartLifecycle {

    private volatile @Nullable PeriodicWork rounds;

    /** Starts the periodic rounds; called once at start. */
    protected abstract PeriodicWork startRounds();

    /**
     * The last write: subscribed once, at shutdown. It must end within a bounded time whatever the database does,
     * and report its own outcome; Spring goes on when it ends.
     *
     * @param lastRoundEnded completes when the round under way, if any, has ended
     */
    protected abstract Mono<Void> shutdown(Mono<Void> lastRoundEnded);

    @Override
    public void start() {
        rounds = startRounds();
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stop(Runnable) is used");
    }

    @Override
    public void stop(Runnable callback) {
        PeriodicWork current = rounds;
        rounds = null;
        shutdown(current == null ? Mono.empty() : current.stop())
                .doFinally(signal -> callback.run())
                .subscribe(done -> {}, error -> {});
    }

    @Override
    public boolean isRunning() {
        return rounds != null;
    }

    /** After the web server has stopped, and before the database's connection pool is closed. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
    }
}
