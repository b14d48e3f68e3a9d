/**
 * OpenAI chat-completion wire records, plus the non-OpenAI parameters of the seed contracts
 * (NIM's {@code bad}, Octo-style sampling parameters, the platform's {@code chat_id} and {@code rag_params}).
 *
 * <p>Every object a client or upstream may extend keeps unknown fields in an {@code extra} map and writes them
 * back unchanged, so the gateway never drops a field silently.
 */
package io.llmgateway.core.protocol;
