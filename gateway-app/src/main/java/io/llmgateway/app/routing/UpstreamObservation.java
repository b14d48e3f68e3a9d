package io.llmgateway.app.routing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;

/**
 * One observation per upstream call, named after OpenTelemetry's GenAI conventions: a child span of the request's
 * server span (exported over OTLP when tracing is configured) and a {@code gen_ai.client.operation.duration}-style
 * timer per deployment. Each attempt of a retried request is its own span.
 */
final class UpstreamObservation {

    static final String NAME = "gen_ai.client.operation";

    private final ObservationRegistry registry;

    UpstreamObservation(ObservationRegistry registry) {
        this.registry = registry;
    }

    <T> Flux<T> observe(Route.Target target, Flux<T> call) {
        if (registry.isNoop()) {
            return call;
        }
        return Flux.deferContextual(context -> {
            Observation parent = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
            Observation observation = Observation.createNotStarted(NAME, registry)
                    .contextualName("chat " + target.upstreamModel())
                    .lowCardinalityKeyValue("gen_ai.operation.name", "chat")
                    .lowCardinalityKeyValue("gen_ai.request.model", target.upstreamModel())
                    .lowCardinalityKeyValue("gateway.deployment", target.deployment())
                    .parentObservation(parent)
                    .start();
            return call.doOnError(observation::error)
                    .doFinally(signal -> observation.stop())
                    .contextWrite(inner -> inner.put(ObservationThreadLocalAccessor.KEY, observation));
        });
    }
}
