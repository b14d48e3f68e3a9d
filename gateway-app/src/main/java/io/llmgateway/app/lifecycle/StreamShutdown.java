package io.llmgateway.app.lifecycle;

import io.llmgateway.core.error.GatewayException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Ends the streams still open when the graceful-shutdown period is over, with an error event rather than a cut
 * connection.
 *
 * <p>On SIGTERM Spring Boot first marks the gateway not ready and lets in-flight requests and streams finish
 * within {@code spring.lifecycle.timeout-per-shutdown-phase}. This lifecycle stops right after that phase and
 * before the web server itself stops: every stream that is still running then gets an OpenAI error event
 * ({@code code: "server_shutting_down"}) and ends, and the gateway waits briefly for those events to be written.
 */
public class StreamShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamShutdown.class);
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(2);

    private final Sinks.Empty<Void> shutdown = Sinks.empty();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean running;

    /** A stream's chunks, ended with a shutdown error when the grace period is over. */
    public <T> Flux<T> endAtShutdown(Flux<T> stream) {
        return Flux.defer(() -> {
            AtomicBoolean finished = new AtomicBoolean();
            return stream.doOnComplete(() -> finished.set(true))
                    .takeUntilOther(shutdown.asMono())
                    .concatWith(Mono.defer(() -> finished.get()
                            ? Mono.<T>empty()
                            : Mono.<T>error(GatewayException.unavailable(
                                    "The gateway is shutting down; retry the request.",
                                    "server_shutting_down",
                                    Duration.ofSeconds(1)))));
        });
    }

    /**
     * A stream's response, counted as open until it has been written to the connection: the shutdown waits for
     * its last event (the error event included), not merely for the chunks to end, which happens before the
     * event loop has written and flushed them.
     */
    public Mono<Void> openUntilWritten(Mono<Void> response) {
        return Mono.defer(() -> {
            open.incrementAndGet();
            return response.doFinally(signal -> open.decrementAndGet());
        });
    }

    /** Streams open right now. */
    public int openStreams() {
        return open.get();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        int remaining = open.get();
        if (remaining == 0) {
            return;
        }
        log.info("Grace period over: ending {} open stream(s) with an error event", remaining);
        shutdown.tryEmitEmpty();
        // on the shutdown thread, never an event loop: give the error events a moment to be written
        long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
        while (open.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Just after the graceful-shutdown phase, before the web server stops. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE - 1;
    }
}
