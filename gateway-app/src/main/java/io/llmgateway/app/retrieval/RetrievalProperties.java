package io.llmgateway.app.retrieval;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Retrieval: files, vector stores, search, {@code rag_params} and the local embedding model.
 *
 * @param enabled          whether the gateway offers retrieval at all (default true). When false, none of its parts
 *                         exist: {@code /v1/files} and {@code /v1/vector_stores} are unknown paths (404),
 *                         {@code rag_params} on a chat request is a 400, the in-process {@code all-minilm-l6-v2} is
 *                         neither routed nor loaded, and the search index is not built at start-up
 * @param maxFileSize      the largest file {@code POST /v1/files} accepts; larger is 413 (default 20MB). Uploads to
 *                         that endpoint are held to this limit instead of {@code gateway.http.max-body-size}
 * @param ingestThreads    threads that parse, chunk and embed attached files, off the request path (default 1, so
 *                         that ingestion never takes every core from searches)
 * @param searchThreads    threads that embed queries and search the index (default: the number of cores)
 * @param queueCapacity    tasks each of the two pools may queue before refusing more (default 10000)
 * @param maxAttempts      how often ingestion of one file is started before it is marked failed (a file that
 *                         brought a replica down is not retried forever; default 3)
 * @param embedBatchSize   chunks embedded per call to the model (default 32)
 * @param syncTimeout      the longest a search waits for this replica's index to catch up with the database
 *                         (default 10s)
 * @param systemTemplate   the system message that carries retrieved passages to models whose profile has no
 *                         {@code context} role; {@code {sources}} is replaced by the numbered passages
 * @param embeddingModel   the model that embeds chunks and queries: the in-process {@code all-minilm-l6-v2}
 *                         (default) or the id of a configured model of {@code type: embedding}, called through
 *                         its route. Changing it leaves chunks embedded before searchable by their words only,
 *                         until their files are attached again
 */
@Validated
@ConfigurationProperties("gateway.retrieval")
public record RetrievalProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("20MB") DataSize maxFileSize,
        @DefaultValue("1") @Min(1) int ingestThreads,
        @Min(1) Integer searchThreads,
        @DefaultValue("10000") @Min(1) int queueCapacity,
        @DefaultValue("3") @Min(1) int maxAttempts,
        @DefaultValue("32") @Min(1) int embedBatchSize,

        @DefaultValue("10s") @DurationMin(nanos = 0, inclusive = false)
        Duration syncTimeout,

        @DefaultValue(DEFAULT_TEMPLATE)
        @NotNull @Pattern(regexp = "(?s).*\\{sources}.*", message = "must contain \\{sources\\}")
        String systemTemplate,

        @DefaultValue("all-minilm-l6-v2") @NotBlank String embeddingModel) {

    /** The property that switches retrieval off. */
    public static final String ENABLED = "gateway.retrieval.enabled";

    public static final String DEFAULT_TEMPLATE = "Use the following sources to answer the user's question. "
            + "Cite a source by its number, e.g. [1]. If the sources do not contain the answer, say so.\n\n{sources}";

    @AssertTrue(message = "max-file-size must be at least 1B") boolean isMaxFileSizePositive() {
        return maxFileSize.toBytes() >= 1;
    }

    /** The search pool's size: configured, or the number of cores. */
    public int effectiveSearchThreads() {
        return searchThreads != null
                ? searchThreads
                : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
