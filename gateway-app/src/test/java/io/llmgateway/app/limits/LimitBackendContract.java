package io.llmgateway.app.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What every {@link LimitBackend} must do, run against each implementation: admission within the limits, refusal
 * that charges nothing, atomicity across counters and under concurrency, adjustments, seeding and expiry.
 */
abstract class LimitBackendContract {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long MINUTE = 60_000;

    /** The backend under test, fresh or isolated for each test. */
    protected abstract LimitBackend backend();

    @Test
    void admitsWithinTheLimitAndReturnsTheValuesAfterTheCharge() {
        String requests = newKey("requests");
        String tokens = newKey("tokens");

        Reservation first = reserve(charge(requests, 1, 10), charge(tokens, 300, 1_000));
        Reservation second = reserve(charge(requests, 1, 10), charge(tokens, 200, 1_000));

        assertThat(first.admitted()).isTrue();
        assertThat(first.refusedAt()).isEqualTo(-1);
        assertThat(first.values()).containsExactly(1, 300);
        assertThat(second.admitted()).isTrue();
        assertThat(second.values()).containsExactly(2, 500);
    }

    @Test
    void admitsUpToExactlyTheLimit() {
        String key = newKey("tokens");

        assertThat(reserve(charge(key, 600, 1_000)).admitted()).isTrue();
        Reservation full = reserve(charge(key, 400, 1_000));

        assertThat(full.admitted()).isTrue();
        assertThat(full.values()).containsExactly(1_000);
    }

    @Test
    void refusesBeyondTheLimitAndChargesNothing() {
        String key = newKey("tokens");
        reserve(charge(key, 900, 1_000));

        Reservation refused = reserve(charge(key, 101, 1_000));

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedAt()).isZero();
        assertThat(refused.values()).containsExactly(900);
        // the refused 101 was not charged: exactly the 100 left still fit
        Reservation rest = reserve(charge(key, 100, 1_000));
        assertThat(rest.admitted()).isTrue();
        assertThat(rest.values()).containsExactly(1_000);
    }

    @Test
    void aFullSecondCounterLeavesTheFirstUncharged() {
        String requests = newKey("requests");
        String budget = newKey("budget");
        reserve(charge(budget, 50, 50));

        Reservation refused = reserve(charge(requests, 1, 5), charge(budget, 1, 50));

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedAt()).isEqualTo(1);
        assertThat(refused.values()[0]).isZero();
        assertThat(refused.values()[1]).isEqualTo(50);
        // the request counter was not charged by the refused reservation
        Reservation alone = reserve(charge(requests, 1, 5));
        assertThat(alone.values()).containsExactly(1);
    }

    @Test
    void concurrentReservationsAdmitExactlyTheLimit() {
        String key = newKey("requests");

        List<Reservation> results = Flux.range(0, 200)
                .flatMap(i -> backend().reserve(List.of(charge(key, 1, 50))).subscribeOn(Schedulers.parallel()), 200)
                .collectList()
                .block(WAIT);

        assertThat(results).hasSize(200);
        assertThat(results.stream().filter(Reservation::admitted)).hasSize(50);
        assertThat(results.stream().filter(Reservation::admitted).map(r -> r.values()[0]))
                .containsExactlyInAnyOrderElementsOf(Flux.range(1, 50).map(Long::valueOf).collectList().block(WAIT));
        assertThat(reserve(charge(key, 1, 50)).admitted()).isFalse();
    }

    @Test
    void concurrentReservationsOnTwoCountersStopAtTheBindingOne() {
        String tokens = newKey("tokens");
        String requests = newKey("requests");

        // 3 tokens a request against 150: 50 fit; the request counter (limit 1000) never binds
        List<Reservation> results = Flux.range(0, 200)
                .flatMap(i -> backend().reserve(List.of(charge(tokens, 3, 150), charge(requests, 1, 1_000)))
                        .subscribeOn(Schedulers.parallel()), 200)
                .collectList()
                .block(WAIT);

        assertThat(results.stream().filter(Reservation::admitted)).hasSize(50);
        assertThat(results.stream().filter(r -> !r.admitted()).map(Reservation::refusedAt)).containsOnly(0);
        // every refusal charged neither counter: 150 tokens and 50 requests
        Reservation after = reserve(charge(tokens, 0, 150), charge(requests, 0, 1_000));
        assertThat(after.values()).containsExactly(150, 50);
    }

    @Test
    void aNegativeAdjustmentFreesRoom() {
        String key = newKey("tokens");
        reserve(charge(key, 1_000, 1_000));
        assertThat(reserve(charge(key, 1, 1_000)).admitted()).isFalse();

        backend().adjust(List.of(new CounterCharge(key, -400, 0, 0))).block(WAIT);

        Reservation afterRefund = reserve(charge(key, 400, 1_000));
        assertThat(afterRefund.admitted()).isTrue();
        assertThat(afterRefund.values()).containsExactly(1_000);
    }

    @Test
    void anAdjustmentDoesNotCreateAMissingCounter() {
        String missing = newKey("missing");
        String present = newKey("present");
        reserve(charge(present, 10, 100));

        backend().adjust(List.of(new CounterCharge(missing, 25, 0, 0), new CounterCharge(present, 5, 0, 0)))
                .block(WAIT);

        assertThat(reserve(charge(missing, 0, 100)).values()).containsExactly(0);
        assertThat(reserve(charge(present, 0, 100)).values()).containsExactly(15);
    }

    @Test
    void seedSetsOnlyACounterThatDoesNotExist() {
        String seeded = newKey("budget");
        String existing = newKey("budget");
        reserve(charge(existing, 7, 1_000));

        backend().seed(seeded, 400, MINUTE).block(WAIT);
        backend().seed(seeded, 900, MINUTE).block(WAIT);
        backend().seed(existing, 900, MINUTE).block(WAIT);

        assertThat(reserve(charge(seeded, 1, 1_000)).values()).containsExactly(401);
        assertThat(reserve(charge(existing, 1, 1_000)).values()).containsExactly(8);
        assertThat(reserve(charge(seeded, 600, 1_000)).admitted()).isFalse();
    }

    @Test
    void aCounterPastItsTtlStartsFromZero() throws InterruptedException {
        String key = newKey("window");
        assertThat(reserve(new CounterCharge(key, 5, 5, 300)).admitted()).isTrue();
        assertThat(reserve(new CounterCharge(key, 1, 5, 300)).admitted()).isFalse();

        Thread.sleep(500);

        Reservation fresh = reserve(new CounterCharge(key, 1, 5, 300));
        assertThat(fresh.admitted()).isTrue();
        assertThat(fresh.values()).containsExactly(1);
    }

    @Test
    void aLaterChargeExtendsButNeverShortensTheTtl() throws InterruptedException {
        String key = newKey("window");
        reserve(new CounterCharge(key, 1, 100, 300));
        reserve(new CounterCharge(key, 1, 100, 5_000));
        reserve(new CounterCharge(key, 1, 100, 100));

        Thread.sleep(500);

        assertThat(reserve(new CounterCharge(key, 0, 100, 5_000)).values()).containsExactly(3);
    }

    @Test
    void anAdjustmentToAnExpiredCounterDoesNotRecreateIt() throws InterruptedException {
        String key = newKey("window");
        reserve(new CounterCharge(key, 5, 10, 200));

        Thread.sleep(400);
        backend().adjust(List.of(new CounterCharge(key, -2, 0, 0))).block(WAIT);

        assertThat(reserve(charge(key, 0, 10)).values()).containsExactly(0);
    }

    @Test
    void anEmptyReservationIsAdmitted() {
        Reservation nothing = backend().reserve(List.of()).block(WAIT);

        assertThat(nothing.admitted()).isTrue();
        assertThat(nothing.values()).isEmpty();
    }

    private Reservation reserve(CounterCharge... charges) {
        Reservation reservation = backend().reserve(List.of(charges)).block(WAIT);
        assertThat(reservation).isNotNull();
        return reservation;
    }

    private static CounterCharge charge(String key, long amount, long limit) {
        return new CounterCharge(key, amount, limit, MINUTE);
    }

    private static String newKey(String kind) {
        return kind + ":" + UUID.randomUUID();
    }
}
