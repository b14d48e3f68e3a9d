/**
 * The OpenAI-compatible HTTP surface of the data plane: {@link ChatCompletionsHandler}, a functional endpoint routed by
 * {@link DataPlaneRoutes}, which hands the parsed body to {@code ModelCallPipeline} and writes its answer as JSON or as
 * server-sent events ({@link SseEncoder}, {@link WrittenResponse}); {@link ModelsController} ({@code /v1/models}) and
 * {@link UsageController} ({@code /v1/usage}).
 *
 * <p>Must not depend on the provider SPI, an adapter or {@code RouteExecutor}, and, but for the usage report, on
 * {@code app.limits} or {@code app.usage}: handlers reach a model only through the pipeline
 * ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.app.api;

import org.jspecify.annotations.NullMarked;
