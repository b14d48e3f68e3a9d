package io.llmgateway.app.usage;

import io.llmgateway.app.lifecycle.PeriodicFlush;
import io.llmgateway.app.lifecycle.PeriodicWork;
import io.llmgateway.app.persistence.DatabaseFailures;
import io.llmgateway.core.error.GatewayException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The usage ledger: records are handed over on the request path without any I/O and written to PostgreSQL in
 * batches off it.
 *
 * <ul>
 *   <li>A batch that fails because the database is away (down, a timeout) stays at the head and is retried at the
 *   next flush; the records behind it wait in the buffer, which {@link #buffered()} and the
 *   {@code gateway.usage.ledger.buffered} gauge show.</li>
 *   <li>A batch that the database refuses for its content is split in halves until the record at fault is alone;
 *   that one goes to the {@link LedgerQuarantine} (its tokens still counted), and everything else is written. One
 *   bad record never holds up the others.</li>
 *   <li>Writes are idempotent by request id ({@link UsageWriter}), so a retried batch counts nothing twice.</li>
 *   <li>When the buffer holds {@code buffer-capacity} records, {@link #tryOpen()} turns false and admission
 *   refuses new requests until it drains: the gateway serves nothing it could not record.</li>
 *   <li>On shutdown, after the web server has stopped, the buffer is written out until it is empty and no
 *   admitted request is still to hand over its record, retrying until {@code shutdown-timeout}.</li>
 * </ul>
 */
public class UsageLedger extends PeriodicFlush {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);
    private static final Duration SHUTDOWN_RETRY = Duration.ofMillis(50);

    private final UsageWriter writer;
    private final LedgerQuarantine quarantine;
    private final LedgerProperties properties;
    private final Queue<UsageRecord> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Requests admitted whose record has not been handed over yet. */
    private final AtomicInteger open = new AtomicInteger();

    private final Counter written;
    private final Counter failures;
    private final Counter quarantined;
    /**
     * The batches taken from the buffer and not yet written: the head is being written, or failed and is retried
     * first; a batch refused for its content is replaced by its halves. Touched by the flush loop only.
     */
    private final Deque<List<UsageRecord>> batches = new ArrayDeque<>();

    private volatile boolean healthy = true;
    private volatile boolean closing;

    public UsageLedger(
            UsageWriter writer, LedgerQuarantine quarantine, LedgerProperties properties, MeterRegistry registry) {
        this.writer = writer;
        this.quarantine = quarantine;
        this.properties = properties;
        Gauge.builder("gateway.usage.ledger.buffered", size, AtomicInteger::get)
                .description("Usage records accepted and not yet written to the database")
                .register(registry);
        this.written = Counter.builder("gateway.usage.ledger.written")
                .description("Usage records written to the database")
                .register(registry);
        this.failures = Counter.builder("gateway.usage.ledger.write.failures")
                .description("Batch writes that failed and will be retried")
                .register(registry);
        this.quarantined = Counter.builder("gateway.usage.ledger.quarantined")
                .description("Usage records the database refused for their content, kept in usage_quarantine")
                .register(registry);
    }

    /**
     * Opens the slot of one request's record before admission: false when the buffer is full or the ledger is
     * shutting down (then the request must be refused, since its record could not be kept). Every open slot is
     * closed by exactly one {@link #record}; shutdown waits for every open slot.
     */
    public boolean tryOpen() {
        if (closing || size.get() >= properties.bufferCapacity()) {
            return false;
        }
        open.incrementAndGet();
        if (closing) {
            // the shutdown may already have seen no open slot: give this one back and refuse
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    /** The 503 for a request whose slot {@link #tryOpen} refused: the gateway is shutting down, or the buffer is full. */
    public GatewayException refusal() {
        return closing
                ? GatewayException.unavailable(
                        "The gateway is shutting down; retry the request.",
                        "server_shutting_down",
                        Duration.ofSeconds(1))
                : GatewayException.unavailable(
                        "The usage ledger cannot keep up (the database is unreachable or" + " slow); retry shortly.",
                        "usage_ledger_backlog",
                        Duration.ofSeconds(5));
    }

    /** Whether the ledger is shutting down (no new request is admitted). */
    public boolean closing() {
        return closing;
    }

    /** Takes the record of an opened slot over; never blocks and never refuses (admission bounds the buffer). */
    public void record(UsageRecord record) {
        pending.add(record);
        size.incrementAndGet();
        open.decrementAndGet();
    }

    /** Whether the last write succeeded (false while the database is away and records wait in the buffer). */
    public boolean writing() {
        return healthy;
    }

    /** Records accepted and not yet written. */
    public int buffered() {
        return size.get();
    }

    /**
     * Writes everything buffered now, batch by batch; fails on the first batch that fails because the database is
     * away (it stays buffered and is retried first).
     */
    public Mono<Void> flush() {
        return Mono.defer(this::writeNextBatch)
                .repeat(() -> !batches.isEmpty() || !pending.isEmpty())
                .then();
    }

    private Mono<Void> writeNextBatch() {
        if (batches.isEmpty()) {
            List<UsageRecord> next = new ArrayList<>(Math.min(properties.batchSize(), size.get()));
            UsageRecord record;
            while (next.size() < properties.batchSize() && (record = pending.poll()) != null) {
                next.add(record);
            }
            if (next.isEmpty()) {
                return Mono.empty();
            }
            batches.addFirst(next);
        }
        List<UsageRecord> writing = batches.peekFirst();
        return writer.write(writing)
                .timeout(properties.writeTimeout())
                .then(Mono.fromRunnable(() -> {
                    done(writing);
                    written.increment(writing.size());
                    if (!healthy) {
                        log.info("Usage ledger writes again; {} record(s) still buffered", size.get());
                    }
                    healthy = true;
                }))
                .onErrorResume(DatabaseFailures::refusedContent, refused -> isolate(writing, refused))
                .doOnError(error -> {
                    failures.increment();
                    if (healthy) {
                        log.warn(
                                "Usage ledger cannot write ({}); holding {} record(s) and retrying",
                                error.toString(),
                                size.get());
                    }
                    healthy = false;
                })
                .then();
    }

    /** A batch refused for its content: split in halves, or, for one record, quarantined. */
    private Mono<Void> isolate(List<UsageRecord> refused, Throwable error) {
        if (refused.size() > 1) {
            int half = refused.size() / 2;
            batches.removeFirst();
            batches.addFirst(List.copyOf(refused.subList(half, refused.size())));
            batches.addFirst(List.copyOf(refused.subList(0, half)));
            return Mono.empty();
        }
        return quarantine
                .isolate(refused.get(0), error)
                .timeout(properties.writeTimeout())
                .then(Mono.fromRunnable(() -> {
                    done(refused);
                    quarantined.increment();
                }));
    }

    /** The head batch is in the database (or in quarantine): it leaves the buffer. */
    private void done(List<UsageRecord> batch) {
        batches.removeFirst();
        size.addAndGet(-batch.size());
    }

    @Override
    protected PeriodicWork startRounds() {
        // flush() logs its own failures and keeps the records for the next round
        return PeriodicWork.start(properties.flushInterval(), Schedulers.parallel(), this::flush, error -> {});
    }

    /**
     * Lets the batch being written finish, then writes what is buffered until nothing is and no admitted request is
     * still to hand over its record, retrying until the shutdown timeout.
     */
    @Override
    protected Mono<Void> shutdown(Mono<Void> lastRoundEnded) {
        closing = true;
        long deadline = System.nanoTime() + properties.shutdownTimeout().toNanos();
        Mono<Void> writeAll = flush().then(Mono.defer(() -> open.get() == 0 && size.get() == 0
                ? Mono.<Void>empty()
                : Mono.<Void>error(new IllegalStateException(open.get() + " request(s) still running"))));
        return lastRoundEnded
                .then(writeAll.retryWhen(
                        Retry.fixedDelay(Long.MAX_VALUE, SHUTDOWN_RETRY).filter(error -> System.nanoTime() < deadline)))
                // a write started just before the deadline must not hold the shutdown beyond it
                .timeout(properties.shutdownTimeout())
                .doOnSuccess(done -> log.info("Usage ledger flushed at shutdown"))
                .doOnError(error -> log.error(
                        "Usage ledger could not be flushed at shutdown: {} record(s) lost, {}"
                                + " request(s) unrecorded ({})",
                        size.get(),
                        open.get(),
                        error.toString()));
    }
}
