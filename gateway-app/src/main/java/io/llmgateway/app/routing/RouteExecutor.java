package io.llmgateway.app.routing;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.error.UpstreamException;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs one upstream call for a route, surviving failing deployments:
 *
 * <ul>
 *   <li>targets are tried in a weighted random order, then the fallback models' targets in order;</li>
 *   <li>a target whose circuit is open or whose bulkhead is full is skipped at once, without waiting;</li>
 *   <li>a transient failure (connect error, 429, 5xx, timeout) <em>before the first chunk</em> moves on to the next
 *   target after a backoff, and after the last target the plan starts over (a model with one deployment is retried
 *   on it), until {@code max-attempts} calls were made; a failure after it, or a non-transient one (a 400), goes to
 *   the client;</li>
 *   <li>when no target could take the request, the answer is 503 with {@code Retry-After}.</li>
 * </ul>
 * Only transient failures count against a deployment's circuit; a 400 says nothing about its health.
 */
public class RouteExecutor {

    private final ModelRouter router;
    private final CircuitBreakerRegistry circuitBreakers;
    private final BulkheadRegistry bulkheads;
    private final ResilienceProperties properties;
    private final UpstreamObservation observation;
    private final UpstreamKeepWarm keepWarm;

    public RouteExecutor(
            ModelRouter router,
            CircuitBreakerRegistry circuitBreakers,
            BulkheadRegistry bulkheads,
            ResilienceProperties properties,
            ObservationRegistry observations,
            UpstreamKeepWarm keepWarm) {
        this.router = router;
        this.keepWarm = keepWarm;
        this.observation = new UpstreamObservation(observations);
        this.circuitBreakers = circuitBreakers;
        this.bulkheads = bulkheads;
        this.properties = properties;
        // created up front so that every deployment's state is in the metrics from the start
        router.routes()
                .forEach(route -> route.targets().forEach(target -> {
                    circuitBreakers.circuitBreaker(target.deployment());
                    bulkheads.bulkhead(target.deployment());
                }));
    }

    /** The call on the first target that takes it; {@code call} builds the upstream call for one target. */
    public <T> Flux<T> execute(Route route, Function<Route.Target, Flux<T>> call) {
        return Flux.defer(() -> attempt(plan(route), 0, 0, 0, call, null));
    }

    /**
     * @param passStart the calls made before this pass over the plan began: a pass in which every target was
     *                  skipped (circuits open, bulkheads full) ends the attempts instead of starting another
     */
    private <T> Flux<T> attempt(
            List<Route.Target> plan,
            int index,
            int calls,
            int passStart,
            Function<Route.Target, Flux<T>> call,
            @Nullable Throwable lastFailure) {
        if (calls >= properties.maxAttempts()) {
            return Flux.error(exhausted(lastFailure));
        }
        if (index >= plan.size()) {
            if (calls == passStart || asksForALongWait(lastFailure)) {
                return Flux.error(exhausted(lastFailure));
            }
            return attempt(plan, 0, calls, calls, call, lastFailure);
        }
        Route.Target target = plan.get(index);
        CircuitBreaker circuit = circuitBreakers.circuitBreaker(target.deployment());
        Bulkhead bulkhead = bulkheads.bulkhead(target.deployment());
        if (!bulkhead.tryAcquirePermission()) {
            return attempt(plan, index + 1, calls, passStart, call, lastFailure);
        }
        if (!circuit.tryAcquirePermission()) {
            bulkhead.onComplete();
            return attempt(plan, index + 1, calls, passStart, call, lastFailure);
        }
        AtomicBoolean started = new AtomicBoolean();
        long start = System.nanoTime();
        keepWarm.called(target.deployment());
        return observation
                .observe(target, call.apply(target))
                .doOnNext(item -> started.set(true))
                .doOnComplete(() -> circuit.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS))
                .doOnError(error -> {
                    if (isTransient(error)) {
                        circuit.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
                    } else {
                        circuit.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    }
                })
                .doOnCancel(circuit::releasePermission)
                .doFinally(signal -> bulkhead.onComplete())
                .onErrorResume(error -> {
                    if (started.get() || !isTransient(error)) {
                        return Flux.error(error);
                    }
                    return Mono.delay(backoff(calls))
                            .thenMany(Flux.defer(() -> attempt(plan, index + 1, calls + 1, passStart, call, error)));
                });
    }

    /** The route's targets in weighted random order, then each fallback model's targets. */
    List<Route.Target> plan(Route route) {
        List<Route.Target> plan = new ArrayList<>(weightedOrder(route.targets()));
        for (String fallback : route.fallbacks()) {
            plan.addAll(weightedOrder(router.resolve(fallback).targets()));
        }
        return plan;
    }

    private static List<Route.Target> weightedOrder(List<Route.Target> targets) {
        if (targets.size() == 1) {
            return targets;
        }
        List<Route.Target> remaining = new ArrayList<>(targets);
        List<Route.Target> ordered = new ArrayList<>(targets.size());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!remaining.isEmpty()) {
            int total = remaining.stream().mapToInt(Route.Target::weight).sum();
            int pick = random.nextInt(total);
            for (int i = 0; i < remaining.size(); i++) {
                pick -= remaining.get(i).weight();
                if (pick < 0) {
                    ordered.add(remaining.remove(i));
                    break;
                }
            }
        }
        return ordered;
    }

    private Duration backoff(int calls) {
        Duration pause = properties.backoff().multipliedBy(1L << Math.min(calls, 10));
        return pause.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : pause;
    }

    /** An upstream that asked to be left alone longer than the longest backoff (a 429's Retry-After) is not asked again. */
    private boolean asksForALongWait(@Nullable Throwable failure) {
        return failure instanceof UpstreamException upstream
                && upstream.retryAfter()
                        .map(wait -> wait.compareTo(properties.maxBackoff()) > 0)
                        .orElse(false);
    }

    private static boolean isTransient(Throwable error) {
        return error instanceof UpstreamException upstream && upstream.isTransient();
    }

    private Throwable exhausted(@Nullable Throwable lastFailure) {
        if (lastFailure != null) {
            return lastFailure;
        }
        return GatewayException.unavailable(
                "No deployment of this model can take the request now (circuits open"
                        + " or at capacity); retry later.",
                "no_deployment_available",
                properties.unavailableRetryAfter());
    }
}
