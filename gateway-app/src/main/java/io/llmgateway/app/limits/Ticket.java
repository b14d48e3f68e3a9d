package io.llmgateway.app.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admitted request's reservation. {@link #settle} runs once, when the request ends: the per-minute token
 * window and the budgets are corrected by the difference between what was reserved and what was used, and the
 * concurrency slot is given back.
 */
public final class Ticket {

    static final Ticket UNLIMITED = new Ticket(null, List.of(), RateLimitHeaders.NONE);
    private static final Logger log = LoggerFactory.getLogger(Ticket.class);

    private final LimitBackend backend;
    private final List<Admission.Charge> charges;
    private final RateLimitHeaders headers;
    private final AtomicBoolean settled = new AtomicBoolean();

    Ticket(LimitBackend backend, List<Admission.Charge> charges, RateLimitHeaders headers) {
        this.backend = backend;
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
        List<CounterCharge> deltas = new ArrayList<>(charges.size());
        for (Admission.Charge charge : charges) {
            CounterCharge reserved = charge.counter();
            long delta = switch (charge.kind()) {
                case REQUESTS_PER_MINUTE -> 0;
                case TOKENS_PER_MINUTE, TOKEN_BUDGET -> usedTokens - reserved.amount();
                case COST_BUDGET -> usedCostPicos - reserved.amount();
                case CONCURRENT_REQUESTS -> -1;
            };
            if (delta != 0) {
                deltas.add(new CounterCharge(reserved.key(), delta, reserved.limit(), 0));
            }
        }
        if (!deltas.isEmpty()) {
            backend.adjust(deltas).subscribe(done -> { },
                    error -> log.warn("Could not settle a reservation on the limits backend: {}", error.toString()));
        }
    }
}
