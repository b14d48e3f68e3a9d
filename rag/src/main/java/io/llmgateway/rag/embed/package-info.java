/**
 * Text to vectors: the {@link Embedder} SPI (synchronous, for bounded worker pools, never an event loop), its
 * {@link Embeddings} result, and {@link LocalMiniLmEmbedder}, all-MiniLM-L6-v2 run in process by ONNX Runtime
 * (langchain4j's packaging, 384 dimensions). {@link DjlNativeCache} keeps DJL offline with one native folder; the
 * application's Hugging Face tokenizers ({@code app.tokens}) use it as well. Depends on no other gateway package.
 */
@NullMarked
package io.llmgateway.rag.embed;

import org.jspecify.annotations.NullMarked;
