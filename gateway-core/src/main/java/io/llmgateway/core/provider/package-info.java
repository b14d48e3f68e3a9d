/**
 * The provider SPI: a {@link ChatProvider} (one JSON answer or a stream of chunks, each a {@code ScannedAnswer}) and an
 * {@link EmbeddingProvider} per configured {@link Deployment}, with what a call carries ({@link UpstreamCall},
 * {@link UpstreamWait}, {@link Timeouts}) and the provider credential that never prints ({@link Secret}).
 *
 * <p>Adapters implement it; the application builds one provider per deployment ({@code app.routing}) and only its
 * {@code app.pipeline} calls {@code complete}, {@code stream} or {@code embed} ({@code ArchitectureTests}). Within the
 * core it depends on {@code core.protocol} and {@code core.answer}.
 */
@NullMarked
package io.llmgateway.core.provider;

import org.jspecify.annotations.NullMarked;
