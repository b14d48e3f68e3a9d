/**
 * Retrieval without Spring, in the order a file travels: plain text from an uploaded file ({@code document}),
 * token-aware chunks ({@code chunk}), vectors ({@code embed}) and the hybrid BM25 and vector index ({@code index}).
 * This package itself holds no class.
 *
 * <p>The module depends on {@code gateway-core} only (its tokenizer, for chunking) and on no Spring; every call blocks,
 * so callers run it on bounded pools. The application ({@code app.retrieval}) wires it, keeps the files and chunks in
 * PostgreSQL and rebuilds the index from there.
 */
@NullMarked
package io.llmgateway.rag;

import org.jspecify.annotations.NullMarked;
