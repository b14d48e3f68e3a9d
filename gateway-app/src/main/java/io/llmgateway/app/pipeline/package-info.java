/**
 * The one path of every model call: {@link ModelCallPipeline} takes a chat completion, an embedding request or
 * retrieval's embeddings through route and profile, check, admit, call, meter and record, with the request as one
 * {@link ChatCall}, {@link ChatRequestChecks}, {@link ChatMeter} (usage from the answer's bytes, the recorder finished
 * once) and the answers the HTTP layer writes ({@link ChatAnswer}, {@link EmbeddingAnswer}). {@link ChatAugmentation}
 * is the SPI through which {@code app.retrieval} adds {@code rag_params} passages.
 *
 * <p>It also holds the warm-up before readiness ({@link PipelineWarmUp}, {@link WarmUpCaller}, {@link WarmUpUpstream}),
 * which routes to the {@code openai} adapter on an in-process upstream. Outside the adapters, this is the only package
 * that may call {@code ChatProvider.complete}/{@code stream} or {@code EmbeddingProvider.embed}
 * ({@code ArchitectureTests}).
 */
@NullMarked
package io.llmgateway.app.pipeline;

import org.jspecify.annotations.NullMarked;
