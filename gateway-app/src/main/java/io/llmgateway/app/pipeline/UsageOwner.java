package io.llmgateway.app.pipeline;

/**
 * Whom the embedding tokens spent by retrieval are written to in the usage ledger: the caller of a search or of a
 * chat completion with {@code rag_params}, or, for ingestion, the project of the store with
 * {@code ingestion} as key and user (the retrieval module's {@code EmbeddingOwner}, which it is made from).
 *
 * @param requestId the usage record's id
 * @param keyId     the key that called
 * @param userId    the user it was for
 * @param projectId the project billed
 */
public record UsageOwner(String requestId, String keyId, String userId, String projectId) {}
