/**
 * The adapter for OpenAI-compatible upstreams (OpenAI itself, NVIDIA's API catalog, vLLM-class engines), deployments of
 * type {@code openai}. {@link OpenAiProviderFactory} gives each deployment one connection pool, shared by its
 * {@link OpenAiChatProvider} (Reactor Netty's {@code HttpClient} directly; answers scanned, not parsed, and passed on
 * as bytes) and its {@link OpenAiEmbeddingProvider} ({@code WebClient}; the answer read straight into {@code float[]}s
 * by {@code EmbeddingResponseReader}).
 *
 * <p>This is the transport the {@code nim} and {@code octo} adapters build on. It depends on {@code gateway-core} and
 * never on the application, {@code auth} or another adapter ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.provider.openai;

import org.jspecify.annotations.NullMarked;
