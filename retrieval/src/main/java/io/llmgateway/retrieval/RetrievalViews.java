package io.llmgateway.retrieval;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The JSON shapes of OpenAI's Files and Vector Stores API, as the official SDKs parse them. */
public final class RetrievalViews {

    private RetrievalViews() {}

    /** A file: {@code status} is always {@code processed} (the upload is stored whole or not at all). */
    public record FileView(
            String id,
            String object,
            long bytes,
            @JsonProperty("created_at") long createdAt,
            String filename,
            String purpose,
            String status,
            @JsonProperty("expires_at") @Nullable Long expiresAt,
            @JsonProperty("status_details") @Nullable String statusDetails) {

        public static FileView of(String id, long bytes, long createdAt, String filename, String purpose) {
            return new FileView(id, "file", bytes, createdAt, filename, purpose, "processed", null, null);
        }
    }

    /** The answer to a deletion: {@code object} is {@code file}, {@code vector_store.deleted} or similar. */
    public record Deleted(String id, String object, boolean deleted) {}

    public record FileCounts(
            @JsonProperty("in_progress") long inProgress, long completed, long failed, long cancelled, long total) {}

    /** A vector store; {@code status} is {@code in_progress} while any of its files is. */
    public record VectorStoreView(
            String id,
            String object,
            @JsonProperty("created_at") long createdAt,
            String name,
            @JsonProperty("usage_bytes") long usageBytes,
            @JsonProperty("file_counts") FileCounts fileCounts,
            String status,
            @JsonProperty("last_active_at") Long lastActiveAt,
            JsonNode metadata,
            @JsonProperty("expires_after") @Nullable ExpiresAfter expiresAfter,
            @JsonProperty("expires_at") @Nullable Long expiresAt) {}

    public record LastError(String code, String message) {}

    /** OpenAI's {@code expires_after}: the store expires {@code days} after its last activity. */
    public record ExpiresAfter(String anchor, int days) {}

    /** A file in a vector store; its {@code id} is the file's id. */
    public record VectorStoreFileView(
            String id,
            String object,
            @JsonProperty("usage_bytes") long usageBytes,
            @JsonProperty("created_at") long createdAt,
            @JsonProperty("vector_store_id") String vectorStoreId,
            String status,
            @JsonProperty("last_error") @Nullable LastError lastError,
            JsonNode attributes,
            @JsonProperty("chunking_strategy") JsonNode chunkingStrategy) {}

    public record Content(String type, String text) {}

    public record SearchResult(
            @JsonProperty("file_id") String fileId,
            String filename,
            double score,
            JsonNode attributes,
            List<Content> content) {}

    public record SearchPage(
            String object,
            @JsonProperty("search_query") List<String> searchQuery,
            List<SearchResult> data,
            @JsonProperty("has_more") boolean hasMore,
            @JsonProperty("next_page") @Nullable String nextPage) {}
}
