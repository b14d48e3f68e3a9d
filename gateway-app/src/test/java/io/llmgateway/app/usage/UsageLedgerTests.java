package io.llmgateway.app.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The ledger's shutdown, against a writer the test controls (the ITs drive the rest against PostgreSQL). */
class UsageLedgerTests {

    /** A writer whose every batch write is what {@code write} returns; it counts the writes. */
    private static final class ScriptedWriter extends UsageWriter {

        final AtomicInteger writes = new AtomicInteger();
        final CountDownLatch firstWrite = new CountDownLatch(1);
        private final Function<Integer, Mono<Void>> write;

        ScriptedWriter(Function<Integer, Mono<Void>> write) {
            super(null);
            this.write = write;
        }

        @Override
        public Mono<Void> write(List<UsageRecord> batch) {
            int n = writes.incrementAndGet();
            firstWrite.countDown();
            return write.apply(n);
        }
    }

    private static UsageRecord record(String id) {
        return UsageRecord.embedding(id, Instant.now(), "key", "user", "project", "model", "deployment", 3,
                TokenSource.UPSTREAM, 0, UsageStatus.OK, null, 5, null);
    }

    private static UsageLedger ledger(UsageWriter writer, Duration writeTimeout, Duration shutdownTimeout) {
        return new UsageLedger(writer, new LedgerProperties(Duration.ofMillis(20), 500, 1000, writeTimeout,
                shutdownTimeout), new SimpleMeterRegistry());
    }

    private static void hand(UsageLedger ledger, String id) {
        assertThat(ledger.tryOpen()).isTrue();
        ledger.record(record(id));
    }

    @Test
    void aShutdownLetsTheBatchBeingWrittenFinishAndWritesItOnlyOnce() throws InterruptedException {
        Sinks.Empty<Void> firstCommit = Sinks.empty();
        AtomicBoolean firstCancelled = new AtomicBoolean();
        ScriptedWriter writer = new ScriptedWriter(n -> n == 1
                ? firstCommit.asMono().doOnCancel(() -> firstCancelled.set(true))
                : Mono.empty());
        UsageLedger ledger = ledger(writer, Duration.ofSeconds(10), Duration.ofSeconds(10));
        ledger.start();
        hand(ledger, "req_1");
        assertThat(writer.firstWrite.await(5, TimeUnit.SECONDS)).as("the loop writes the batch").isTrue();

        CountDownLatch stopped = new CountDownLatch(1);
        ledger.stop(stopped::countDown);
        assertThat(stopped.await(200, TimeUnit.MILLISECONDS)).as("the shutdown waits for the write").isFalse();
        firstCommit.tryEmitEmpty();

        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(firstCancelled).as("the write under way was not cancelled").isFalse();
        assertThat(writer.writes.get()).as("the shutdown flush found the batch written").isEqualTo(1);
        assertThat(ledger.buffered()).isZero();
        assertThat(ledger.isRunning()).isFalse();
    }

    @Test
    void aShutdownWithTheDatabaseHangingEndsAtTheShutdownTimeoutNotAWriteTimeoutLater() throws InterruptedException {
        // every write hangs until its 10 s timeout; the shutdown may take 1 s
        ScriptedWriter writer = new ScriptedWriter(n -> Mono.never());
        UsageLedger ledger = ledger(writer, Duration.ofSeconds(10), Duration.ofSeconds(1));
        ledger.start();
        hand(ledger, "req_1");
        assertThat(writer.firstWrite.await(5, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        CountDownLatch stopped = new CountDownLatch(1);
        ledger.stop(stopped::countDown);

        assertThat(stopped.await(8, TimeUnit.SECONDS)).as("Spring is let go on").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThat(ledger.buffered()).as("the record could not be written").isEqualTo(1);
    }
}
