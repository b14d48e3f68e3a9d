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
 * that charges nothing, atomicity across counters and under concurrency, settlements, seeding and expiry, and the
 * reservation ids that make everything after a reservation idempotent, and leases that heal what is never settled.
 */
abstract class LimitBackendContract {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long MINUTE = 60_000;
    private static final Duration SHORT_LEASE = Duration.ofMillis(300);

    /** The backend under test, fresh or isolated for each test, with a lease far longer than any test. */
    protected abstract LimitBackend backend();

    /** A backend whose reservations hold leases this long, on the counters that {@link #backend()} sees from now on. */
    protected abstract LimitBackend backendWithLease(Duration leaseDuration);

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
                .flatMap(
                        i -> backend()
                                .reserve(newId(), List.of(charge(key, 1, 50)))
                                .subscribeOn(Schedulers.parallel()),
                        200)
                .collectList()
                .block(WAIT);

        assertThat(results).hasSize(200);
        assertThat(results.stream().filter(Reservation::admitted)).hasSize(50);
        assertThat(results.stream().filter(Reservation::admitted).map(r -> r.values()[0]))
                .containsExactlyInAnyOrderElementsOf(
                        Flux.range(1, 50).map(Long::valueOf).collectList().block(WAIT));
        assertThat(reserve(charge(key, 1, 50)).admitted()).isFalse();
    }

    @Test
    void concurrentReservationsOnTwoCountersStopAtTheBindingOne() {
        String tokens = newKey("tokens");
        String requests = newKey("requests");

        // 3 tokens a request against 150: 50 fit; the request counter (limit 1000) never binds
        List<Reservation> results = Flux.range(0, 200)
                .flatMap(
                        i -> backend()
                                .reserve(newId(), List.of(charge(tokens, 3, 150), charge(requests, 1, 1_000)))
                                .subscribeOn(Schedulers.parallel()),
                        200)
                .collectList()
                .block(WAIT);

        assertThat(results.stream().filter(Reservation::admitted)).hasSize(50);
        assertThat(results.stream().filter(r -> !r.admitted()).map(Reservation::refusedAt))
                .containsOnly(0);
        // every refusal charged neither counter: 150 tokens and 50 requests
        Reservation after = reserve(charge(tokens, 0, 150), charge(requests, 0, 1_000));
        assertThat(after.values()).containsExactly(150, 50);
    }

    @Test
    void settlingBelowTheReservationFreesRoom() {
        String key = newKey("tokens");
        String id = newId();
        reserve(id, charge(key, 1_000, 1_000));
        assertThat(reserve(charge(key, 1, 1_000)).admitted()).isFalse();

        settle(id, new CounterUsage(charge(key, 1_000, 1_000), 600));

        Reservation afterRefund = reserve(charge(key, 400, 1_000));
        assertThat(afterRefund.admitted()).isTrue();
        assertThat(afterRefund.values()).containsExactly(1_000);
    }

    @Test
    void settlingAboveTheReservationChargesTheDifference() {
        String key = newKey("tokens");
        String id = newId();
        reserve(id, charge(key, 100, 1_000));

        settle(id, new CounterUsage(charge(key, 100, 1_000), 130));

        assertThat(value(key)).isEqualTo(130);
    }

    @Test
    void aSettlementNeverCreatesACounter() {
        String missing = newKey("missing");
        String missingBudget = newKey("budget");

        settle(
                newId(),
                new CounterUsage(charge(missing, 0, 100), 25),
                new CounterUsage(budget(missingBudget, 0, 100), 25));

        assertThat(value(missing)).isZero();
        assertThat(budgetValue(missingBudget))
                .as("the budget counter is still missing")
                .isEqualTo(-1);
    }

    @Test
    void aMissingBudgetCounterIsReportedUnseededAndNothingIsCharged() {
        String requests = newKey("requests");
        String present = newKey("budget");
        String missing = newKey("budget");
        reserve(budget(present, 10, 1_000).withSeed(0));

        Reservation unseeded = backend()
                .reserve(
                        newId(), List.of(charge(requests, 1, 10), budget(present, 5, 1_000), budget(missing, 5, 1_000)))
                .block(WAIT);

        assertThat(unseeded.outcome()).isEqualTo(Reservation.Outcome.UNSEEDED);
        assertThat(unseeded.unseeded()).containsExactly(2);
        assertThat(value(requests)).as("nothing charged").isZero();
        assertThat(budgetValue(present)).isEqualTo(10);
    }

    @Test
    void aSeedSetsOnlyABudgetCounterThatDoesNotExist() {
        String seeded = newKey("budget");
        String existing = newKey("budget");
        reserve(budget(existing, 7, 1_000).withSeed(0));

        assertThat(reserve(budget(seeded, 1, 1_000).withSeed(400)).values()).containsExactly(401);
        assertThat(reserve(budget(seeded, 1, 1_000).withSeed(900)).values()).containsExactly(402);
        assertThat(reserve(budget(existing, 1, 1_000).withSeed(900)).values()).containsExactly(8);
        assertThat(reserve(budget(seeded, 599, 1_000)).admitted()).isFalse();
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
    void aSettlementOfAnExpiredCounterDoesNotRecreateIt() throws InterruptedException {
        String key = newKey("window");
        String id = newId();
        CounterCharge shortLived = new CounterCharge(key, 5, 10, 200);
        reserve(id, shortLived);

        Thread.sleep(400);
        settle(id, new CounterUsage(shortLived, 8));

        assertThat(value(key)).isZero();
    }

    // ---- reservation ids: everything after a reservation goes by its id and is idempotent; leases heal

    @Test
    void settlingTwiceIsSettlingOnce() {
        String tokens = newKey("tokens");
        String budget = newKey("budget");
        String slots = newKey("slots");
        String id = newId();
        List<CounterCharge> charges =
                List.of(charge(tokens, 100, 1_000), budget(budget, 100, 1_000).withSeed(0), slots(slots, 2));
        reserve(id, charges.toArray(CounterCharge[]::new));
        reserve(slots(slots, 2));
        CounterUsage[] usages = {
            new CounterUsage(charges.get(0), 40),
            new CounterUsage(charges.get(1), 40),
            new CounterUsage(charges.get(2), 0)
        };

        settle(id, usages);
        settle(id, usages);

        assertThat(value(tokens)).isEqualTo(40);
        assertThat(budgetValue(budget)).isEqualTo(40);
        // the other reservation's slot is still held: one slot free, not two
        assertThat(reserve(slots(slots, 2)).admitted()).isTrue();
        assertThat(reserve(slots(slots, 2)).admitted()).isFalse();
    }

    @Test
    void aReservationSentTwiceIsChargedOnce() {
        String tokens = newKey("tokens");
        String slots = newKey("slots");
        String id = newId();

        Reservation first = reserve(id, charge(tokens, 100, 1_000), slots(slots, 2));
        Reservation again = reserve(id, charge(tokens, 100, 1_000), slots(slots, 2));

        assertThat(first.values()).containsExactly(100, 1);
        assertThat(again.admitted()).isTrue();
        assertThat(again.values()).containsExactly(100, 1);
        assertThat(value(tokens)).isEqualTo(100);
    }

    @Test
    void aReleaseBeforeItsReservationMakesTheLateReservationANoOp() {
        String tokens = newKey("tokens");
        String budget = newKey("budget");
        String slots = newKey("slots");
        String id = newId();
        List<CounterCharge> charges =
                List.of(charge(tokens, 100, 1_000), budget(budget, 100, 1_000).withSeed(0), slots(slots, 1));

        // the gateway gave up waiting and released the id before its reservation reached the backend
        settle(id, released(charges));
        Reservation late = backend().reserve(id, charges).block(WAIT);

        assertThat(late.outcome()).isEqualTo(Reservation.Outcome.RELEASED);
        assertThat(late.admitted()).isFalse();
        assertThat(value(tokens)).isZero();
        assertThat(reserve(slots(slots, 1)).admitted()).as("the slot is free").isTrue();
    }

    @Test
    void aReleaseAfterItsReservationGivesEverythingBack() {
        String requests = newKey("requests");
        String tokens = newKey("tokens");
        String budget = newKey("budget");
        String slots = newKey("slots");
        String id = newId();
        List<CounterCharge> charges = List.of(
                charge(requests, 1, 10),
                charge(tokens, 100, 1_000),
                budget(budget, 100, 1_000).withSeed(0),
                slots(slots, 1));
        reserve(id, charges.toArray(CounterCharge[]::new));

        settle(id, released(charges));
        settle(id, released(charges));

        assertThat(value(requests)).isZero();
        assertThat(value(tokens)).isZero();
        assertThat(budgetValue(budget)).isZero();
        assertThat(reserve(slots(slots, 1)).admitted()).isTrue();
    }

    @Test
    void aReleaseNeverDrivesACounterBelowZero() throws InterruptedException {
        String tokens = newKey("tokens");
        String slots = newKey("slots");
        String id = newId();
        CounterCharge shortLived = new CounterCharge(tokens, 100, 1_000, 300);
        reserve(id, shortLived, slots(slots, 2));
        Thread.sleep(500);
        // the counter expired and started again, below what the old reservation took
        reserve(new CounterCharge(tokens, 30, 1_000, MINUTE));

        settle(id, new CounterUsage(shortLived, 0), new CounterUsage(slots(slots, 2), 0));
        settle(newId(), new CounterUsage(slots(slots, 2), 0));

        assertThat(value(tokens)).isZero();
        // releases of slots that are not held free nothing else: exactly the limit is admitted
        assertThat(reserve(slots(slots, 2)).admitted()).isTrue();
        assertThat(reserve(slots(slots, 2)).admitted()).isTrue();
        assertThat(reserve(slots(slots, 2)).admitted()).isFalse();
    }

    @Test
    void aSettlementOfALostReservationAddsWhatWasUsed() {
        String tokens = newKey("tokens");
        String budget = newKey("budget");
        reserve(charge(tokens, 10, 1_000), budget(budget, 10, 1_000).withSeed(0));

        // a reservation the backend does not know (lost with a restart): what its request used is added
        settle(
                newId(),
                new CounterUsage(charge(tokens, 100, 1_000), 70),
                new CounterUsage(budget(budget, 100, 1_000), 70));

        assertThat(value(tokens)).isEqualTo(80);
        assertThat(budgetValue(budget)).isEqualTo(80);
    }

    @Test
    void anExpiredLeaseFreesItsSlotAndGivesItsBudgetBack() throws InterruptedException {
        LimitBackend leased = backendWithLease(SHORT_LEASE);
        String budget = newKey("budget");
        String slots = newKey("slots");
        String died = newId();
        CounterCharge budgetCharge = budget(budget, 500, 1_000).withSeed(0);
        assertThat(leased.reserve(died, List.of(budgetCharge, slots(slots, 1)))
                        .block(WAIT)
                        .admitted())
                .isTrue();
        assertThat(leased.reserve(newId(), List.of(budget(budget, 600, 1_000), slots(slots, 1)))
                        .block(WAIT)
                        .admitted())
                .as("no room while the lease runs")
                .isFalse();

        Thread.sleep(SHORT_LEASE.toMillis() + 300);

        Reservation after = leased.reserve(newId(), List.of(budget(budget, 600, 1_000), slots(slots, 1)))
                .block(WAIT);
        assertThat(after.admitted()).isTrue();
        assertThat(after.values()).containsExactly(600, 1);
        assertThat(after.leasesExpired()).isEqualTo(2);
        // the request outlived its lease after all: what it used is added when it does settle
        leased.settle(died, List.of(new CounterUsage(budgetCharge, 450), new CounterUsage(slots(slots, 1), 0)))
                .block(WAIT);
        assertThat(budgetValue(budget)).isEqualTo(1_050);
    }

    @Test
    void anEmptyReservationIsAdmitted() {
        Reservation nothing = backend().reserve(newId(), List.of()).block(WAIT);

        assertThat(nothing.admitted()).isTrue();
        assertThat(nothing.values()).isEmpty();
    }

    @Test
    void concurrentReservationsOfSlotsAdmitExactlyTheLimit() {
        String key = newKey("slots");

        List<Reservation> results = Flux.range(0, 100)
                .flatMap(
                        i -> backend().reserve(newId(), List.of(slots(key, 7))).subscribeOn(Schedulers.parallel()), 100)
                .collectList()
                .block(WAIT);

        assertThat(results.stream().filter(Reservation::admitted)).hasSize(7);
    }

    private Reservation reserve(CounterCharge... charges) {
        return reserve(newId(), charges);
    }

    private Reservation reserve(String id, CounterCharge... charges) {
        Reservation reservation = backend().reserve(id, List.of(charges)).block(WAIT);
        assertThat(reservation).isNotNull();
        return reservation;
    }

    private void settle(String id, CounterUsage... usages) {
        backend().settle(id, List.of(usages)).block(WAIT);
    }

    private static CounterUsage[] released(List<CounterCharge> charges) {
        return charges.stream().map(charge -> new CounterUsage(charge, 0)).toArray(CounterUsage[]::new);
    }

    /** A window counter's value (0 when it does not exist). */
    private long value(String key) {
        return reserve(charge(key, 0, Long.MAX_VALUE)).values()[0];
    }

    /** A budget counter's value; -1 when it does not exist. */
    private long budgetValue(String key) {
        Reservation read = backend()
                .reserve(newId(), List.of(budget(key, 0, Long.MAX_VALUE)))
                .block(WAIT);
        return read.outcome() == Reservation.Outcome.UNSEEDED ? -1 : read.values()[0];
    }

    private static CounterCharge charge(String key, long amount, long limit) {
        return new CounterCharge(key, amount, limit, MINUTE);
    }

    private static CounterCharge budget(String key, long amount, long limit) {
        return new CounterCharge(key, CounterType.BUDGET, amount, limit, MINUTE, null);
    }

    private static CounterCharge slots(String key, long limit) {
        return new CounterCharge(key, CounterType.SLOTS, 1, limit, 0, null);
    }

    private static String newKey(String kind) {
        return kind + ":" + UUID.randomUUID();
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
