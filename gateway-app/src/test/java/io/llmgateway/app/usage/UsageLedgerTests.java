package io.llmgateway.app.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
        return new UsageRecord(
                id,
                Instant.now(),
                "key",
                "user",
                "project",
                "model",
                "deployment",
                3,
                0,
                null,
                TokenSource.UPSTREAM,
                0,
                UsageStatus.OK,
                null,
                null,
                5,
                null,
                false,
                null,
                null,
                false,
                null,
                null);
    }

    private static UsageLedger ledger(UsageWriter writer, Duration writeTimeout, Duration shutdownTimeout) {
        return ledger(writer, new KeptQuarantine(), writeTimeout, shutdownTimeout);
    }

    private static UsageLedger ledger(
            UsageWriter writer, LedgerQuarantine quarantine, Duration writeTimeout, Duration shutdownTimeout) {
        return new UsageLedger(
                writer,
                quarantine,
                new LedgerProperties(Duration.ofMillis(20), 500, 1000, writeTimeout, shutdownTimeout),
                new SimpleMeterRegistry());
    }

    /** A quarantine that keeps the request ids it was given. */
    private static final class KeptQuarantine extends LedgerQuarantine {

        final List<String> kept = new CopyOnWriteArrayList<>();

        KeptQuarantine() {
            super(null, null, null);
        }

        @Override
        public Mono<Void> isolate(UsageRecord record, Throwable refusal) {
            return Mono.fromRunnable(() -> kept.add(record.requestId()));
        }
    }

    /** What PostgreSQL answers to a NUL character in a text value. */
    private static Throwable refusedForContent() {
        return new R2dbcDataIntegrityViolationException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021");
    }

    private static void hand(UsageLedger ledger, String id) {
        assertThat(ledger.tryOpen()).isTrue();
        ledger.record(record(id));
    }

    @Test
    void aShutdownLetsTheBatchBeingWrittenFinishAndWritesItOnlyOnce() throws InterruptedException {
        Sinks.Empty<Void> firstCommit = Sinks.empty();
        AtomicBoolean firstCancelled = new AtomicBoolean();
        ScriptedWriter writer = new ScriptedWriter(
                n -> n == 1 ? firstCommit.asMono().doOnCancel(() -> firstCancelled.set(true)) : Mono.empty());
        UsageLedger ledger = ledger(writer, Duration.ofSeconds(10), Duration.ofSeconds(10));
        ledger.start();
        hand(ledger, "req_1");
        assertThat(writer.firstWrite.await(5, TimeUnit.SECONDS))
                .as("the loop writes the batch")
                .isTrue();

        CountDownLatch stopped = new CountDownLatch(1);
        ledger.stop(stopped::countDown);
        assertThat(stopped.await(200, TimeUnit.MILLISECONDS))
                .as("the shutdown waits for the write")
                .isFalse();
        firstCommit.tryEmitEmpty();

        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(firstCancelled).as("the write under way was not cancelled").isFalse();
        assertThat(writer.writes.get())
                .as("the shutdown flush found the batch written")
                .isEqualTo(1);
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

    @Test
    void aRecordRefusedForItsContentIsQuarantinedAndEveryOtherRecordIsWritten() throws InterruptedException {
        Set<String> stored = ConcurrentHashMap.newKeySet();
        UsageWriter writer = new UsageWriter(null) {
            @Override
            public Mono<Void> write(List<UsageRecord> batch) {
                // like one INSERT statement: all or nothing
                if (batch.stream().anyMatch(r -> r.requestId().startsWith("poison"))) {
                    return Mono.error(refusedForContent());
                }
                return Mono.fromRunnable(() -> batch.forEach(r -> stored.add(r.requestId())));
            }
        };
        KeptQuarantine quarantine = new KeptQuarantine();
        UsageLedger ledger = ledger(writer, quarantine, Duration.ofSeconds(5), Duration.ofSeconds(5));
        for (int i = 0; i < 100; i++) {
            hand(ledger, i == 37 || i == 80 ? "poison_" + i : "req_" + i);
        }
        ledger.flush().block(Duration.ofSeconds(5));
        for (int i = 100; i < 110; i++) {
            hand(ledger, "req_" + i);
        }
        ledger.flush().block(Duration.ofSeconds(5));

        assertThat(quarantine.kept).containsExactlyInAnyOrder("poison_37", "poison_80");
        assertThat(stored).hasSize(108).doesNotContain("poison_37", "poison_80");
        assertThat(ledger.buffered()).isZero();
    }

    @Test
    void aDatabaseThatIsAwayKeepsTheBatchAtTheHeadWithoutSplittingOrQuarantining() {
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger largestWritten = new AtomicInteger();
        UsageWriter writer = new UsageWriter(null) {
            @Override
            public Mono<Void> write(List<UsageRecord> batch) {
                if (down.get()) {
                    return Mono.error(new R2dbcNonTransientResourceException("Connection refused"));
                }
                return Mono.fromRunnable(() -> largestWritten.accumulateAndGet(batch.size(), Math::max));
            }
        };
        KeptQuarantine quarantine = new KeptQuarantine();
        UsageLedger ledger = ledger(writer, quarantine, Duration.ofSeconds(5), Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            hand(ledger, "req_" + i);
        }
        assertThat(ledger.flush().onErrorComplete().block(Duration.ofSeconds(5)))
                .isNull();
        assertThat(ledger.buffered()).isEqualTo(10);

        down.set(false);
        ledger.flush().block(Duration.ofSeconds(5));
        assertThat(ledger.buffered()).isZero();
        assertThat(largestWritten.get()).as("written as one batch").isEqualTo(10);
        assertThat(quarantine.kept).isEmpty();
    }

    @Test
    void theStorableCopyReplacesWhatPostgresCannotHold() {
        UsageRecord record = new UsageRecord(
                "req_1",
                Instant.now(),
                "key",
                "user",
                "project",
                "model",
                null,
                1,
                2,
                null,
                TokenSource.UPSTREAM,
                0,
                UsageStatus.OK,
                null,
                "stop\u0000",
                3,
                null,
                false,
                "chat\ud800",
                "alice\u0000",
                false,
                "[{\"content\":\"a\\u0000b\"}]",
                "ok \uD83D\uDE00");
        UsageRecord storable = LedgerQuarantine.storable(record);
        assertThat(storable.finishReason()).isEqualTo("stop\uFFFD");
        assertThat(storable.chatId()).isEqualTo("chat\uFFFD");
        assertThat(storable.clientUser()).isEqualTo("alice\uFFFD");
        assertThat(storable.prompt()).isEqualTo("[{\"content\":\"a\\ufffdb\"}]");
        assertThat(storable.completion()).as("a well-formed pair is kept").isEqualTo("ok \uD83D\uDE00");
        assertThat(LedgerQuarantine.storable(storable)).isEqualTo(storable);
    }
}
