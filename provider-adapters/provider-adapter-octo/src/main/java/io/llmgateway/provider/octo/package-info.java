/**
 * Octo-style parameters on an OpenAI-compatible self-hosted engine, deployments of type {@code octo}:
 * {@link OctoChatProvider} wraps the OpenAI transport ({@code peft} to the fine-tuned model's name from
 * {@link OctoOptions}, {@code loglikelihood} to {@code prompt_logprobs}, {@code log_prompt} never sent), and
 * {@link OctoProviderFactory} builds it and passes embeddings to the transport unchanged.
 *
 * <p>Depends on {@code gateway-core} and the {@code openai} adapter only ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.provider.octo;

import org.jspecify.annotations.NullMarked;
