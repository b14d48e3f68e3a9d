/**
 * Token counting for the application: each model's tokenizer from its {@code gateway.models[i].tokenizer} setting
 * ({@link ModelTokenizers}: a tiktoken encoding, or a Hugging Face {@code tokenizer.json} run by DJL,
 * {@link HuggingFaceTokenizerFile}), loaded at start-up, and {@link TokenCounting}, where long texts are counted (a
 * bounded pool, a limit per key) so that they hold up nobody else; {@link TokenizerProperties} is
 * {@code gateway.tokenizer}.
 *
 * <p>Depends on {@code core.tokens} and, for DJL's native folder, on {@code rag.embed.DjlNativeCache}.
 */
@NullMarked
package io.llmgateway.app.tokens;

import org.jspecify.annotations.NullMarked;
