/**
 * NVIDIA's hosted models (the API catalog), deployments of type {@code nim}: {@link NimProviderFactory} is the OpenAI
 * transport with NVIDIA's default base URL, the embedding purpose sent as {@code input_type}, and a 503
 * {@code provider_not_configured} for a valid request to a deployment without a key.
 *
 * <p>Depends on {@code gateway-core} and the {@code openai} adapter only ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.provider.nim;

import org.jspecify.annotations.NullMarked;
