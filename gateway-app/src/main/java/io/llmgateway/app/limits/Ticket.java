package io.llmgateway.app.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * An admitted request's reservation, known to the backend by its id. {@link #settle} runs once, when the request
 * ends: the per-minute token window and the budgets are corrected to what was really used, and the concurrency
 * slot is given back. A settlement that fails is retried in the background; one that never arrives is healed when
 * the reservation's leases expire.
 */
public final class Ticket {

    static final Ticket UNLIMITED = new Ticket(null, null, List.of(), RateLimitHeaders.NONE);

    private final @Nullable SettleRetries settlements;
    private final @Nullable String id;
    private final List<Admission.Charge> charges;
    private final RateLimitHeaders headers;
    private final AtomicBoolean settled = new AtomicBoolean();

    Ticket(
            @Nullable SettleRetries settlements,
            @Nullable String id,
            List<Admission.Charge> charges,
            RateLimitHeaders headers) {
        this.settlements = settlements;
        this.id = id;
        this.charges = charges;
        this.headers = headers;
    }

    /** The rate-limit headers for the response. */
    public RateLimitHeaders headers() {
        return headers;
    }

    /** Corrects the reservation to what the request really used (tokens and pico-dollars); runs once. */
    public void settle(long usedTokens, long usedCostPicos) {
        if (charges.isEmpty() || !settled.compareAndSet(false, true)) {
            return;
        }
        List<CounterUsage> usages = new ArrayList<>(charges.size());
        for (Admission.Charge charge : charges) {
            long used = switch (charge.kind()) {
                // a request that ran counts as a request: nothing to correct
                case REQUESTS_PER_MINUTE -> -1;
                case TOKENS_PER_MINUTE, TOKEN_BUDGET -> usedTokens;
                case COST_BUDGET -> usedCostPicos;
                case CONCURRENT_REQUESTS -> 0;
            };
            if (used >= 0) {
                usages.add(new CounterUsage(charge.counter(), used));
            }
        }
        // requests per minute alone: nothing to correct, and nothing held that a lease would have to free
        if (!usages.isEmpty()) {
            // only UNLIMITED has neither, and it has no charges
            Objects.requireNonNull(settlements, "settlements").settle(Objects.requireNonNull(id, "id"), usages);
        }
    }

    /** What releasing a reservation gives back: all of it, the request counted too (it never ran). */
    static List<CounterUsage> releases(List<Admission.Charge> charges) {
        List<CounterUsage> usages = new ArrayList<>(charges.size());
        for (Admission.Charge charge : charges) {
            usages.add(new CounterUsage(charge.counter(), 0));
        }
        return usages;
    }
}
