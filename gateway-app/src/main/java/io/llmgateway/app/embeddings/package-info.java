/**
 * {@code POST /v1/embeddings} in OpenAI's shape: {@link EmbeddingsController} reads the body (a string or list of
 * inputs, {@code dimensions}, {@code encoding_format}, other fields passed on), and {@code ModelCallPipeline} routes,
 * admits, calls and records it. Like every handler, it must not depend on the provider SPI, the adapters,
 * {@code app.limits} or {@code app.usage} ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.app.embeddings;

import org.jspecify.annotations.NullMarked;
