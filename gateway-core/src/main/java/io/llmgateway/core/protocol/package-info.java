/**
 * OpenAI wire records: the chat-completion request ({@link ChatCompletionRequest}, with every OpenAI parameter and
 * those of the seed contracts: NIM's {@code bad}, the Octo-style sampling parameters, the platform's {@code chat_id}
 * and {@code rag_params}), its answer ({@link ChatCompletion}, {@link ChatCompletionChunk}, {@link Usage}), their parts
 * ({@link ChatMessage}, {@link Tool}, {@link ToolCall}, ...), the embedding request and result as the gateway hands
 * them to a provider ({@link EmbeddingRequest}, {@link EmbeddingResult}) and OpenAI's {@link ErrorBody}.
 *
 * <p>Every object a client or upstream may extend keeps unknown fields in an {@code extra} map and writes them back
 * unchanged, so the gateway never drops a field silently. The package depends on no other gateway package.
 */
@NullMarked
package io.llmgateway.core.protocol;

import org.jspecify.annotations.NullMarked;
