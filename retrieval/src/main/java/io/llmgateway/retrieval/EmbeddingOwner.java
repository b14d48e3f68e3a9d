package io.llmgateway.retrieval;

/**
 * Whom the embedding tokens spent by retrieval are written to in the usage ledger: the caller of a search or of a
 * chat completion with {@code rag_params}, or, for ingestion, the project of the store with {@value #INGESTION} as
 * key and user.
 *
 * @param requestId the usage record's id
 * @param keyId     the key that called
 * @param userId    the user it was for
 * @param projectId the project billed
 */
public record EmbeddingOwner(String requestId, String keyId, String userId, String projectId) {

    /** The key and user of the records of ingestion, which no request of a caller made. */
    public static final String INGESTION = "ingestion";

    public static EmbeddingOwner ingestion(String projectId, String storeId, String fileId, int attempt) {
        return new EmbeddingOwner("ingest_" + storeId + "_" + fileId + "_" + attempt, INGESTION, INGESTION, projectId);
    }
}
