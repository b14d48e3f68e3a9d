/** Token-aware chunking with overlap, with OpenAI's static chunking strategy limits. */
package io.llmgateway.rag.chunk;
