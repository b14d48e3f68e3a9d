/**
 * The built-in deterministic model, deployments of type {@code mock}: {@link MockChatProvider} answers with the last
 * user message, streamed token by token with real {@code cl100k_base} counts, and {@link MockEmbeddingProvider} gives
 * feature-hashed bag-of-words vectors; {@link MockProviderFactory} builds them with their {@link MockOptions}. Runs in
 * process, with no upstream.
 *
 * <p>Depends only on {@code gateway-core}; never on the application, {@code auth} or another adapter
 * ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.provider.mock;

import org.jspecify.annotations.NullMarked;
