package io.llmgateway.app.limits;

import io.llmgateway.app.persistence.Lookups;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/**
 * Budget counters that the backend reports missing (first use in a period, or lost with a Redis restart) start
 * from what the usage ledger says was spent in their period. The backend is asked every time, never a memory of
 * this replica's: a counter lost after this replica seeded it is found missing and seeded again.
 */
final class BudgetSeeds {

    private final SpentQuery spent;

    BudgetSeeds(SpentQuery spent) {
        this.spent = spent;
    }

    /**
     * The charges again, with the unseeded budget counters' seeds from the ledger (one bounded query per scope and
     * period, shared by its token and cost budgets).
     */
    Mono<List<CounterCharge>> seed(List<Admission.Charge> charges, int[] unseeded, Instant now) {
        Map<String, Mono<SpentQuery.Spent>> queries = new HashMap<>();
        List<Mono<Tuple2<Integer, Long>>> seeds = new ArrayList<>(unseeded.length);
        for (int index : unseeded) {
            Admission.Charge charge = charges.get(index);
            LocalDate since = charge.budgetPeriod().start(now);
            Mono<SpentQuery.Spent> query = queries.computeIfAbsent(
                    charge.scope().wireName() + ":" + charge.scopeId() + ":" + since,
                    key -> Lookups.bounded(spent.since(charge.scope(), charge.scopeId(), since), "budget spending")
                            .cache());
            seeds.add(query.map(spentSoFar -> Tuples.of(
                    index, charge.kind() == LimitKind.TOKEN_BUDGET ? spentSoFar.tokens() : spentSoFar.costPicos())));
        }
        return Flux.merge(seeds).collectList().map(found -> {
            List<CounterCharge> seeded = new ArrayList<>(charges.size());
            for (Admission.Charge charge : charges) {
                seeded.add(charge.counter());
            }
            for (Tuple2<Integer, Long> seed : found) {
                seeded.set(seed.getT1(), seeded.get(seed.getT1()).withSeed(seed.getT2()));
            }
            return seeded;
        });
    }
}
