package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.error.GatewayException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Admission around a backend that times out, answers late, fails to settle or loses its counters: reservations
 * the gateway gave up on are released, failed settlements are retried, budgets are seeded from the ledger whenever
 * their counter is missing, and requests no waiting could admit are refused without a backend call.
 */
class AdmissionTests {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PROJECT = "p";
    private static final String KEY = "k";
    private static final CounterCharge PROBE_SLOT =
            new CounterCharge("project:" + PROJECT + ":slots", CounterType.SLOTS, 1, 1, 0, null);

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final FlakyBackend backend = new FlakyBackend();
    private final AtomicLong spentTokens = new AtomicLong();
    private final AtomicInteger ledgerQueries = new AtomicInteger();

    @Test
    void aReservationThatTimedOutButRanIsReleased() {
        Admission admission = admission(new Limits(null, null, 1, null, null));
        backend.timeOutAfterReserving.set(true);

        assertThatThrownBy(() -> admission.admit(PROJECT, KEY, 10, 0).block(WAIT))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.code()).isEqualTo("limits_unavailable"));

        backend.timeOutAfterReserving.set(false);
        assertThat(admission.admit(PROJECT, KEY, 10, 0).block(WAIT))
                .as("the slot was given back")
                .isNotNull();
    }

    @Test
    void aCallerThatLeavesBeforeTheAnswerHasItsLateReservationReleased() throws InterruptedException {
        Admission admission = admission(new Limits(null, null, 1, null, null));
        backend.reserveDelay.set(Duration.ofMillis(300));

        Disposable waiting = admission.admit(PROJECT, KEY, 10, 0).subscribe();
        Thread.sleep(50);
        waiting.dispose();
        Thread.sleep(600);

        // the release overtook the reservation; the late reservation found it and charged nothing
        assertThat(backend.delegate
                        .get()
                        .reserve("probe", List.of(PROBE_SLOT))
                        .block(WAIT)
                        .admitted())
                .isTrue();
    }

    @Test
    void aCallerThatLeavesAfterItsTicketKeepsItsReservation() {
        Admission admission = admission(new Limits(null, null, 1, null, null));

        Ticket ticket = admission.admit(PROJECT, KEY, 10, 0).block(WAIT);

        assertThat(ticket).isNotNull();
        assertThatThrownBy(() -> admission.admit(PROJECT, KEY, 10, 0).block(WAIT))
                .isInstanceOfSatisfying(
                        LimitExceededException.class,
                        refused -> assertThat(refused.code()).isEqualTo("concurrency_limit_exceeded"));
        ticket.settle(10, 0);
        assertThat(admission.admit(PROJECT, KEY, 10, 0).block(WAIT)).isNotNull();
    }

    @Test
    void aSettlementThatFailsIsRetriedInTheBackground() {
        Admission admission = admission(new Limits(null, null, 1, null, null));
        Ticket ticket = admission.admit(PROJECT, KEY, 10, 0).block(WAIT);
        backend.settleFailures.set(2);

        ticket.settle(10, 0);

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (backend.delegate
                        .get()
                        .reserve("probe", List.of(PROBE_SLOT))
                        .block(WAIT)
                        .outcome()
                != Reservation.Outcome.ADMITTED) {
            assertThat(System.nanoTime())
                    .as("the slot is given back by a retry")
                    .isLessThan(deadline);
        }
        assertThat(registry.get("gateway.limits.releases.retried")
                        .tag("operation", "settle")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void aBudgetIsSeededFromTheLedgerWheneverItsCounterIsMissing() {
        Admission admission = admission(new Limits(null, null, null, new Limits.TokenBudget(1_000L, "month"), null));
        spentTokens.set(900);

        admission.admit(PROJECT, KEY, 50, 0).block(WAIT).settle(50, 0);
        assertThatThrownBy(() -> admission.admit(PROJECT, KEY, 60, 0).block(WAIT))
                .isInstanceOf(LimitExceededException.class);
        assertThat(ledgerQueries).hasValue(1);

        // the backend loses its counters (a Redis restart); the ledger has caught up with the 50
        backend.delegate.set(new InProcessLimitBackend(Clock.systemUTC(), Duration.ofMinutes(15)));
        spentTokens.set(950);

        assertThatThrownBy(() -> admission.admit(PROJECT, KEY, 60, 0).block(WAIT))
                .as("seeded again from the ledger, not from zero")
                .isInstanceOf(LimitExceededException.class);
        assertThat(ledgerQueries).hasValue(2);
        assertThat(admission.admit(PROJECT, KEY, 50, 0).block(WAIT)).isNotNull();
    }

    @Test
    void aRequestLargerThanALimitIsRefusedWithoutRetryAfterOrABackendCall() {
        Admission admission = admission(new Limits(null, 100L, null, null, null));

        assertThatThrownBy(() -> admission.admit(PROJECT, KEY, 101, 0).block(WAIT))
                .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.code()).isEqualTo("request_exceeds_limit");
                    assertThat(refused.param()).isEqualTo("max_tokens");
                    assertThat(refused.retryAfter()).isEmpty();
                    assertThat(refused.getMessage()).contains("101", "100", "max_tokens");
                });
        assertThat(backend.reserves).hasValue(0);
    }

    @Test
    void aStoredBudgetOfAnUnknownPeriodRefusesWithAReasonNotANullPointerException() {
        Admission admission = admission(new Limits(null, null, null, new Limits.TokenBudget(1_000L, "week"), null));

        assertThatThrownBy(() -> admission.admit(PROJECT, KEY, 10, 0).block(WAIT))
                .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                    assertThat(refused.status()).isEqualTo(403);
                    assertThat(refused.code()).isEqualTo("limit_invalid");
                    assertThat(refused.retryAfter()).isEmpty();
                    assertThat(refused.getMessage()).contains("Project p", "token budget", "'week'");
                });
        assertThat(backend.reserves).hasValue(0);
    }

    @Test
    void aStoredCostBudgetWithoutPeriodOrLimitRefusesWithAReason() {
        Admission noPeriod =
                admission(new Limits(null, null, null, null, new Limits.CostBudget(java.math.BigDecimal.ONE, null)));
        assertThatThrownBy(() -> noPeriod.admit(PROJECT, KEY, 10, 0).block(WAIT))
                .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                    assertThat(refused.code()).isEqualTo("limit_invalid");
                    assertThat(refused.getMessage()).contains("cost budget", "no period");
                });
        Admission noLimit = admission(new Limits(null, null, null, null, new Limits.CostBudget(null, "day")));
        assertThatThrownBy(() -> noLimit.admit(PROJECT, KEY, 10, 0).block(WAIT))
                .isInstanceOfSatisfying(LimitExceededException.class, refused -> {
                    assertThat(refused.code()).isEqualTo("limit_invalid");
                    assertThat(refused.getMessage()).contains("cost budget", "no limit");
                });
        assertThat(backend.reserves).hasValue(0);
    }

    private Admission admission(Limits projectLimits) {
        LimitsRepository limits = new LimitsRepository(null, Duration.ofMinutes(5), Duration.ofHours(1)) {
            @Override
            public Mono<Limits> find(LimitScope scope, String scopeId) {
                return Mono.just(scope == LimitScope.PROJECT ? projectLimits : Limits.NONE);
            }
        };
        SpentQuery spent = new SpentQuery(null) {
            @Override
            public Mono<Spent> since(LimitScope scope, String scopeId, LocalDate since) {
                return Mono.fromSupplier(() -> {
                    ledgerQueries.incrementAndGet();
                    return new Spent(spentTokens.get(), 0);
                });
            }
        };
        LimitsProperties properties = new LimitsProperties(
                LimitsProperties.Backend.IN_PROCESS,
                null,
                LimitsProperties.FailurePolicy.FAIL_CLOSED,
                4096,
                Duration.ofMinutes(5),
                Duration.ofMinutes(15));
        return new Admission(limits, backend, spent, properties, Clock.systemUTC(), registry);
    }

    /** In-process counters behind a backend that can time out, answer late and fail to settle. */
    private static final class FlakyBackend implements LimitBackend {

        final AtomicReference<LimitBackend> delegate =
                new AtomicReference<>(new InProcessLimitBackend(Clock.systemUTC(), Duration.ofMinutes(15)));
        final AtomicReference<Boolean> timeOutAfterReserving = new AtomicReference<>(false);
        final AtomicReference<Duration> reserveDelay = new AtomicReference<>(Duration.ZERO);
        final AtomicInteger settleFailures = new AtomicInteger();
        final AtomicInteger reserves = new AtomicInteger();

        @Override
        public Mono<Reservation> reserve(String id, List<CounterCharge> charges) {
            reserves.incrementAndGet();
            if (timeOutAfterReserving.get()) {
                return delegate.get().reserve(id, charges).then(Mono.error(new TimeoutException("no answer")));
            }
            Duration delay = reserveDelay.get();
            if (!delay.isZero()) {
                // the reservation reaches the backend late, whether or not anyone still waits for it
                LimitBackend late = delegate.get();
                Mono<Reservation> reservation =
                        Mono.delay(delay).then(late.reserve(id, charges)).cache();
                reservation.subscribe();
                return reservation;
            }
            return delegate.get().reserve(id, charges);
        }

        @Override
        public Mono<Void> settle(String id, List<CounterUsage> usages) {
            if (settleFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Mono.error(new TimeoutException("no answer"));
            }
            return delegate.get().settle(id, usages);
        }

        @Override
        public String name() {
            return "flaky";
        }
    }
}
