/**
 * Token-aware chunking: {@link Chunker} cuts text into {@link Chunk}s of at most the strategy's {@code cl100k_base}
 * tokens, at paragraph, sentence, line or word boundaries where it can, each starting with an overlap from the end of
 * the previous one. {@link ChunkingStrategy} holds OpenAI's static chunking limits and the default (200 tokens, 40 of
 * overlap) suited to the local embedding model. Depends only on {@code core.tokens}.
 */
@NullMarked
package io.llmgateway.rag.chunk;

import org.jspecify.annotations.NullMarked;
