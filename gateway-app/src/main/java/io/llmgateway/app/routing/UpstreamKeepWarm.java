package io.llmgateway.app.routing;

import io.llmgateway.app.lifecycle.PeriodicWork;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps each deployment's pooled connection open through pauses in its traffic, so that the first request after a
 * pause does not wait for a new connection (and, to a remote provider, its TLS handshake): a deployment that has
 * had no call for {@code keep-warm} gets its provider's {@link io.llmgateway.core.provider.ChatProvider#keepWarm()}
 * request, which costs no tokens. Only deployments that served a request in the last {@code keep-warm-for} are kept
 * warm; one never called (a provider without a key, a fallback never needed) is left alone.
 */
public class UpstreamKeepWarm implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UpstreamKeepWarm.class);

    private final ProviderRegistry providers;
    private final Duration interval;
    private final long intervalNanos;
    private final long keepForNanos;
    /** By deployment: when it last served a request, and when its connection was last used, in nanoseconds. */
    private final Map<String, Activity> activity = new ConcurrentHashMap<>();

    private volatile @Nullable PeriodicWork rounds;

    /**
     * @param interval how long a deployment may be idle before it is kept warm; zero for never
     * @param keepFor  how long after its last request a deployment is kept warm
     */
    public UpstreamKeepWarm(ProviderRegistry providers, Duration interval, Duration keepFor) {
        this.providers = providers;
        this.interval = interval;
        this.intervalNanos = interval.toNanos();
        this.keepForNanos = keepFor.toNanos();
    }

    /** A request is going to this deployment now. */
    void called(String deployment) {
        if (intervalNanos > 0) {
            long now = System.nanoTime();
            activity.put(deployment, new Activity(now, now));
        }
    }

    /** One round: the deployments idle for the interval, kept warm one after the other. */
    Mono<Void> round() {
        long now = System.nanoTime();
        return Flux.fromIterable(activity.entrySet())
                .filter(entry -> providers.contains(entry.getKey()))
                .filter(entry -> now - entry.getValue().used() >= intervalNanos)
                .filter(entry -> now - entry.getValue().served() <= keepForNanos)
                .concatMap(entry -> {
                    activity.computeIfPresent(entry.getKey(), (name, last) -> new Activity(last.served(), now));
                    return Objects.requireNonNull(providers.provider(entry.getKey()), "a configured deployment")
                            .keepWarm();
                })
                .then();
    }

    @Override
    public void start() {
        if (intervalNanos > 0) {
            rounds = PeriodicWork.start(
                    interval,
                    Schedulers.parallel(),
                    this::round,
                    error -> log.debug("Could not keep an upstream connection warm: {}", error.toString()));
        }
    }

    @Override
    public void stop() {
        PeriodicWork current = rounds;
        rounds = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return rounds != null;
    }

    private record Activity(long served, long used) {}
}
