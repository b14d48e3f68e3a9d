/**
 * Where a public model id goes: {@link ModelRouter} resolves it to a {@link Route} (weighted deployments, fallbacks,
 * profile, price, tokenizer), {@link ProviderRegistry} builds one chat and one embedding provider per deployment from
 * the adapters' factories, and {@link RouteExecutor} runs one call over the route with Resilience4j circuit breakers
 * and bulkheads, retries and fallbacks ({@link UpstreamObservation} spans and times each attempt).
 * {@link UpstreamKeepWarm} keeps idle deployments' connections open.
 *
 * <p>{@link RoutingConfiguration} is where the adapters are wired; this package builds providers but never makes a
 * model call with them (the pipeline does, {@code ArchitectureTests}). Its settings are {@link ResilienceProperties},
 * {@link UpstreamPoolProperties} and {@code app.config.RoutingProperties}.
 */
@NullMarked
package io.llmgateway.app.routing;

import org.jspecify.annotations.NullMarked;
