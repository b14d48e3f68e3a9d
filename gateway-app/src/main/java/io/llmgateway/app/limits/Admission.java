package io.llmgateway.app.limits;

import io.llmgateway.app.usage.Price;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Admission: <em>reserve, then settle</em>. Before the upstream call, the request's prompt tokens plus its
 * completion allowance (and their cost) are reserved against every limit of its project and of its key, in one
 * atomic reservation on the {@link LimitBackend}; when the request ends, {@link Ticket#settle} corrects the
 * reservation to the real count and releases the rest. Parallel requests therefore never together exceed a limit.
 *
 * <p>Every reservation has an id of its own. If the gateway gives up waiting for it (a timeout, a client that went
 * away), it releases that id: safe whether the reservation happened, happens later or never does. Budget counters
 * that the backend does not have (a new period, a Redis restart) are seeded from the ledger and reserved again.
 *
 * <p>A request whose project and key have no limits costs no backend call at all; otherwise an admission is one
 * backend call, and two plus a ledger query when a budget counter has to be seeded.
 */
public class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final long MINUTE_MILLIS = 60_000;
    private static final long WINDOW_MARGIN_MILLIS = 5_000;
    private static final long BUDGET_MARGIN_MILLIS = Duration.ofHours(1).toMillis();

    private final LimitsRepository limits;
    private final LimitBackend backend;
    private final BudgetSeeds seeds;
    private final SettleRetries settlements;
    private final ReservationIds ids = new ReservationIds();
    private final LimitsProperties properties;
    private final Clock clock;
    private final AtomicInteger backendUp = new AtomicInteger(1);
    private final Counter backendFailures;
    private final Counter refusals;
    private final Counter leasesExpired;

    public Admission(
            LimitsRepository limits,
            LimitBackend backend,
            SpentQuery spent,
            LimitsProperties properties,
            Clock clock,
            MeterRegistry registry) {
        this.limits = limits;
        this.backend = backend;
        this.seeds = new BudgetSeeds(spent);
        this.settlements = new SettleRetries(backend, registry);
        this.properties = properties;
        this.clock = clock;
        Gauge.builder("gateway.limits.backend.up", backendUp, AtomicInteger::get)
                .description("1 when the last call to the limits backend succeeded, 0 when it failed")
                .tag("backend", backend.name())
                .tag("on_failure", properties.failOpen() ? "open" : "closed")
                .register(registry);
        this.backendFailures = Counter.builder("gateway.limits.backend.failures")
                .description("Admissions that could not reach the limits backend")
                .tag("backend", backend.name())
                .register(registry);
        this.refusals = Counter.builder("gateway.limits.refusals")
                .description("Requests refused by a rate limit, concurrency limit or budget")
                .register(registry);
        this.leasesExpired = Counter.builder("gateway.limits.leases.expired")
                .description("Reservations whose lease expired unsettled (their slot freed, their amount given back)")
                .tag("backend", backend.name())
                .register(registry);
    }

    /**
     * Reserves a request's share of every limit of its project and key; the ticket when admitted, otherwise a
     * {@link LimitExceededException} (429 when waiting helps; 400 or 403 when it cannot) that carries the
     * rate-limit headers.
     *
     * @param reservedTokens    prompt tokens plus the completion allowance
     * @param reservedCostPicos their cost at the model's price
     */
    public Mono<Ticket> admit(String projectId, String keyId, long reservedTokens, long reservedCostPicos) {
        return Mono.zip(limits.find(LimitScope.PROJECT, projectId), limits.find(LimitScope.KEY, keyId))
                .flatMap(both -> {
                    if (both.getT1().isEmpty() && both.getT2().isEmpty()) {
                        return Mono.just(Ticket.UNLIMITED);
                    }
                    Instant now = clock.instant();
                    List<Charge> charges = new ArrayList<>();
                    LimitExceededException never = addCharges(
                            charges,
                            LimitScope.PROJECT,
                            projectId,
                            both.getT1(),
                            reservedTokens,
                            reservedCostPicos,
                            now);
                    if (never == null) {
                        never = addCharges(
                                charges, LimitScope.KEY, keyId, both.getT2(), reservedTokens, reservedCostPicos, now);
                    }
                    if (never == null) {
                        never = NeverAdmitted.check(charges);
                    }
                    if (never != null) {
                        refusals.increment();
                        return Mono.error(never);
                    }
                    return reserve(charges, now);
                });
    }

    private Mono<Ticket> reserve(List<Charge> charges, Instant now) {
        String id = ids.next();
        List<CounterCharge> counters = charges.stream().map(Charge::counter).toList();
        // set once the reservation is either handed to the caller in a ticket or given up (released): never both
        AtomicBoolean decided = new AtomicBoolean();
        Runnable giveUp = () -> {
            if (decided.compareAndSet(false, true)) {
                settlements.release(id, Ticket.releases(charges));
            }
        };
        return backend.reserve(id, counters)
                .flatMap(result -> result.outcome() != Reservation.Outcome.UNSEEDED
                        ? Mono.just(result)
                        : seeds.seed(charges, result.unseeded(), now).flatMap(seeded -> backend.reserve(id, seeded)))
                .doOnNext(result -> {
                    backendUp.set(1);
                    if (result.leasesExpired() > 0) {
                        leasesExpired.increment(result.leasesExpired());
                    }
                })
                .onErrorResume(error -> {
                    // a timeout does not tell whether the reservation ran, or will: release it either way
                    if (!(error instanceof BackendNotReachedException)) {
                        giveUp.run();
                    }
                    backendFailures.increment();
                    if (backendUp.getAndSet(0) == 1) {
                        log.warn(
                                "Limits backend '{}' unreachable ({}); failing {}",
                                backend.name(),
                                error.toString(),
                                properties.failOpen() ? "open" : "closed");
                    }
                    return properties.failOpen()
                            ? Mono.empty()
                            : Mono.error(LimitExceededException.backendUnavailable());
                })
                .map(result -> switch (result.outcome()) {
                    case ADMITTED -> {
                        RateLimitHeaders headers = headers(charges, result.values(), now);
                        // a caller that went away meanwhile has had the reservation released already
                        yield decided.compareAndSet(false, true)
                                ? new Ticket(settlements, id, charges, headers)
                                : Ticket.UNLIMITED;
                    }
                    case REFUSED -> {
                        decided.set(true);
                        refusals.increment();
                        throw refusal(charges.get(result.refusedAt()), now)
                                .withHeaders(headers(charges, result.values(), now));
                    }
                    // a fresh id is never released before it is reserved, and seeds are set in the same call
                    case UNSEEDED, RELEASED ->
                        throw new IllegalStateException(
                                "unexpected reservation outcome " + result.outcome() + " for " + id);
                })
                .doOnCancel(giveUp)
                .defaultIfEmpty(Ticket.UNLIMITED);
    }

    /**
     * Adds the charges of a scope's limits; the refusal instead when a stored budget cannot be applied (no limit, or
     * a period other than {@code day} or {@code month}), like a limit of 0 until an administrator sets it again.
     */
    private @Nullable LimitExceededException addCharges(
            List<Charge> charges,
            LimitScope scope,
            String id,
            Limits limits,
            long tokens,
            long costPicos,
            Instant now) {
        if (limits.isEmpty()) {
            return null;
        }
        long nowMillis = now.toEpochMilli();
        long minute = nowMillis / MINUTE_MILLIS;
        long toMinuteEnd = (minute + 1) * MINUTE_MILLIS - nowMillis;
        String base = scope.wireName() + ":" + id + ":";
        if (limits.requestsPerMinute() != null) {
            charges.add(new Charge(
                    LimitKind.REQUESTS_PER_MINUTE,
                    scope,
                    id,
                    null,
                    new CounterCharge(
                            base + "rpm:" + minute, 1, limits.requestsPerMinute(), toMinuteEnd + WINDOW_MARGIN_MILLIS),
                    limits.requestsPerMinute()));
        }
        if (limits.tokensPerMinute() != null) {
            charges.add(new Charge(
                    LimitKind.TOKENS_PER_MINUTE,
                    scope,
                    id,
                    null,
                    new CounterCharge(
                            base + "tpm:" + minute,
                            tokens,
                            limits.tokensPerMinute(),
                            toMinuteEnd + WINDOW_MARGIN_MILLIS),
                    limits.tokensPerMinute()));
        }
        if (limits.concurrentRequests() != null) {
            // "slots", not the integer "conc" of earlier versions: a sorted set of leases now
            charges.add(new Charge(
                    LimitKind.CONCURRENT_REQUESTS,
                    scope,
                    id,
                    null,
                    new CounterCharge(base + "slots", CounterType.SLOTS, 1, limits.concurrentRequests(), 0, null),
                    limits.concurrentRequests()));
        }
        Limits.TokenBudget tokenBudget = limits.tokenBudget();
        if (tokenBudget != null) {
            BudgetPeriod period = BudgetPeriod.fromWire(tokenBudget.period());
            Long limit = tokenBudget.limit();
            if (period == null || limit == null) {
                return NeverAdmitted.unusableBudget(scope, id, "token budget", limit == null, tokenBudget.period());
            }
            charges.add(budget(LimitKind.TOKEN_BUDGET, scope, id, period, tokens, limit, now));
        }
        Limits.CostBudget costBudget = limits.costBudget();
        if (costBudget != null) {
            BudgetPeriod period = BudgetPeriod.fromWire(costBudget.period());
            BigDecimal limitUsd = costBudget.limitUsd();
            if (period == null || limitUsd == null) {
                return NeverAdmitted.unusableBudget(scope, id, "cost budget", limitUsd == null, costBudget.period());
            }
            charges.add(budget(LimitKind.COST_BUDGET, scope, id, period, costPicos, Price.picos(limitUsd), now));
        }
        return null;
    }

    private static Charge budget(
            LimitKind kind, LimitScope scope, String id, BudgetPeriod period, long amount, long limit, Instant now) {
        long ttl = period.end(now).toEpochMilli() - now.toEpochMilli() + BUDGET_MARGIN_MILLIS;
        String key =
                scope.wireName() + ":" + id + ":" + kind.keyPart + ":" + period.wireName() + ":" + period.start(now);
        return new Charge(
                kind, scope, id, period, new CounterCharge(key, CounterType.BUDGET, amount, limit, ttl, null), limit);
    }

    private static RateLimitHeaders headers(List<Charge> charges, long[] values, Instant now) {
        RateLimitHeaders.Window requests = null;
        RateLimitHeaders.Window tokens = null;
        long nowMillis = now.toEpochMilli();
        Duration reset = Duration.ofMillis((nowMillis / MINUTE_MILLIS + 1) * MINUTE_MILLIS - nowMillis);
        for (int i = 0; i < charges.size(); i++) {
            Charge charge = charges.get(i);
            long remaining = charge.limit() - values[i];
            if (charge.kind() == LimitKind.REQUESTS_PER_MINUTE
                    && (requests == null || remaining < requests.remaining())) {
                requests = new RateLimitHeaders.Window(charge.limit(), remaining, reset);
            } else if (charge.kind() == LimitKind.TOKENS_PER_MINUTE
                    && (tokens == null || remaining < tokens.remaining())) {
                tokens = new RateLimitHeaders.Window(charge.limit(), remaining, reset);
            }
        }
        return new RateLimitHeaders(requests, tokens);
    }

    private static LimitExceededException refusal(Charge charge, Instant now) {
        String who = charge.who();
        long nowMillis = now.toEpochMilli();
        Duration toMinuteEnd = Duration.ofMillis((nowMillis / MINUTE_MILLIS + 1) * MINUTE_MILLIS - nowMillis);
        return switch (charge.kind()) {
            case REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE ->
                LimitExceededException.rateLimited(
                        "Rate limit reached for " + who + ": " + charge.limit() + " " + charge.kind().description
                                + ". Retry in " + RateLimitHeaders.Window.format(toMinuteEnd) + ".",
                        "rate_limit_exceeded",
                        toMinuteEnd);
            case CONCURRENT_REQUESTS ->
                LimitExceededException.rateLimited(
                        "Concurrency limit reached for " + who + ": " + charge.limit() + " requests at once.",
                        "concurrency_limit_exceeded",
                        Duration.ofSeconds(1));
            case TOKEN_BUDGET ->
                LimitExceededException.budgetExhausted(
                        "Token budget exhausted for " + who + ": " + charge.limit() + " tokens per "
                                + charge.budgetPeriod().wireName() + " (this request reserves "
                                + charge.counter().amount() + ").",
                        "insufficient_quota",
                        Duration.between(now, charge.budgetPeriod().end(now)));
            case COST_BUDGET ->
                LimitExceededException.budgetExhausted(
                        "Cost budget exhausted for " + who + ": "
                                + Price.dollars(charge.limit()).toPlainString() + " USD per "
                                + charge.budgetPeriod().wireName() + ".",
                        "insufficient_quota",
                        Duration.between(now, charge.budgetPeriod().end(now)));
        };
    }

    /** One counter a request draws on, with what it stands for. */
    record Charge(
            LimitKind kind,
            LimitScope scope,
            String scopeId,
            @Nullable BudgetPeriod period,
            CounterCharge counter,
            long limit) {

        /** "project p" or "key k". */
        String who() {
            return scope == LimitScope.PROJECT ? "project " + scopeId : "key " + scopeId;
        }

        /** The period of a budget's charge (the only kind that has one). */
        BudgetPeriod budgetPeriod() {
            return Objects.requireNonNull(period, "only a budget's charge has a period");
        }
    }
}
