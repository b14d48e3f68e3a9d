/**
 * The HTTP surface's settings and the configuration of models and deployments. {@link WebConfiguration} builds the
 * gateway's {@code JsonMapper}s and codecs ({@link GuardedJsonDecoder}, warmed by {@link JsonWarmUp}) and the filters
 * every request passes ({@link BodySizeLimitFilter}, {@link RequestRulesFilter}, {@link RequestArrival});
 * {@link HttpProperties} is {@code gateway.http}; {@link TracingConfiguration} makes disabled tracing a no-op.
 *
 * <p>{@link RoutingProperties} ({@code gateway.models}, {@code gateway.deployments}) is read by {@code app.routing}
 * and, for its per-type settings and prices, depends on the {@code mock} and {@code octo} adapters and on
 * {@code app.usage.Price}.
 */
@NullMarked
package io.llmgateway.app.config;

import org.jspecify.annotations.NullMarked;
