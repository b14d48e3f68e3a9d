/** Text to vectors: the {@link io.llmgateway.rag.embed.Embedder} SPI and the in-process MiniLM model. */
package io.llmgateway.rag.embed;
