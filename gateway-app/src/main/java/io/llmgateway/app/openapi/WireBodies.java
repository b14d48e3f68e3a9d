package io.llmgateway.app.openapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The wire shapes of the request bodies that the gateway reads with readers of its own ({@code BodyReader}): their
 * records hold what the reader made of the JSON (a {@code Patch}, a parsed filter, a flag for
 * {@code encoding_format}), not what a client sends, so springdoc is given these instead
 * ({@link OpenApiConfiguration}). Each mirrors its reader: a field the reader requires is non-null, a field it
 * accepts as null is {@code @Nullable}, a field it accepts only absent or as a value is {@link Optional}. When a
 * reader changes, its shape here changes with it.
 */
final class WireBodies {

    private WireBodies() {}

    /** The body of {@code POST /v1/embeddings}. */
    @Schema(
            name = "CreateEmbeddingRequest",
            description = "Any other field (e.g. NVIDIA's `input_type`) is passed on to the model unchanged.",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    record CreateEmbeddingRequest(
            @Schema(description = "The model id, as `GET /v1/models` lists it.", example = "all-minilm-l6-v2")
            String model,

            @Schema(
                    description =
                            "A string or a list of 1 to 2048 strings, none blank; token arrays are not" + " supported.",
                    oneOf = {String.class, String[].class})
            Object input,

            @JsonProperty("encoding_format")
            @Schema(
                    description = "`float` (default) or `base64` (little-endian float32 bytes).",
                    allowableValues = {"float", "base64"})
            @Nullable String encodingFormat,

            @Schema(description = "The length of the vectors, when the model can shorten them.", minimum = "1")
            @Nullable Integer dimensions,

            @Schema(description = "The end user's identifier, passed on.") @Nullable String user) {}

    /** The body of {@code PATCH /admin/v1/users/{userId}}. */
    @Schema(
            name = "UserPatch",
            description = "Each field absent (unchanged), null (cleared) or a value; an unknown field is a 400.")
    record UserPatch(
            @Schema(maxLength = 200) @Nullable String name,
            @Nullable String email,

            @JsonProperty("default_project_id")
            @Schema(description = "Setting a default project also makes the user a member of it.")
            @Nullable String defaultProjectId,

            @Schema(allowableValues = {"administrator", "auditor"}) @Nullable String role) {}

    /** The body of {@code PATCH /admin/v1/projects/{projectId}}. */
    @Schema(name = "ProjectPatch", description = "Each field absent (unchanged) or a value; an unknown field is a 400.")
    record ProjectPatch(
            @Schema(maxLength = 200) Optional<String> name,

            @JsonProperty("allowed_models")
            @ArraySchema(arraySchema = @Schema(description = "Configured model ids; null allows every model."))
            @Nullable List<String> allowedModels,

            @JsonProperty("model_cap")
            @ArraySchema(arraySchema = @Schema(description = "What owners may allow; null lets them allow any model."))
            @Nullable List<String> modelCap,

            @JsonProperty("prompt_logging") @Schema(description = "Whether requests may set `log_prompt`.")
            Optional<Boolean> promptLogging) {}

    /** The body of {@code POST /v1/vector_stores}. */
    @Schema(name = "CreateVectorStoreRequest", description = "An unknown field is a 400.")
    record CreateVectorStoreRequest(
            @Schema(maxLength = 256) @Nullable String name,

            @JsonProperty("file_ids")
            @ArraySchema(
                    arraySchema = @Schema(description = "Files of the project to attach, at most 500."),
                    maxItems = 500)
            @Nullable List<String> fileIds,

            @Schema(description = "Up to 16 string values.") @Nullable Map<String, String> metadata,

            @JsonProperty("chunking_strategy")
            @Schema(description = "How the store's files are chunked; `auto` when absent.")
            @Nullable ChunkingStrategy chunkingStrategy,

            @JsonProperty("expires_after") @Nullable ExpiresAfter expiresAfter) {}

    /** The body of {@code POST /v1/vector_stores/{storeId}}. */
    @Schema(
            name = "UpdateVectorStoreRequest",
            description = "Each field absent (unchanged) or a value; an unknown field is a 400.")
    record UpdateVectorStoreRequest(
            @Schema(maxLength = 256, description = "null removes the name.") @Nullable String name,

            @Schema(description = "Replaces the metadata (up to 16 string values); null clears it.") @Nullable Map<String, String> metadata,

            @JsonProperty("expires_after") @Schema(description = "null removes the expiry.") @Nullable ExpiresAfter expiresAfter) {}

    /** {@code expires_after} of a vector store. */
    @Schema(
            name = "VectorStoreExpirationAfter",
            description = "A store unused for `days` days becomes `expired`: kept, but not searched.")
    record ExpiresAfter(
            @Schema(allowableValues = "last_active_at") String anchor,
            @Schema(minimum = "1", maximum = "365") int days) {}

    /** {@code chunking_strategy}. */
    @Schema(
            name = "ChunkingStrategyRequestParam",
            description = "`{\"type\": \"auto\"}` or `{\"type\": \"static\", \"static\": {...}}`.")
    record ChunkingStrategy(
            @Schema(allowableValues = {"auto", "static"}) String type,

            @Schema(description = "With `static` only.") @Nullable StaticChunking staticChunking) {

        // the component is named "static" on the wire, a word Java keeps for itself
        @JsonProperty("static")
        @Override
        public @Nullable StaticChunking staticChunking() {
            return staticChunking;
        }
    }

    /** The sizes of {@code static} chunking. */
    @Schema(name = "StaticChunkingStrategy")
    record StaticChunking(
            @JsonProperty("max_chunk_size_tokens") @Schema(minimum = "100", maximum = "4096")
            int maxChunkSizeTokens,

            @JsonProperty("chunk_overlap_tokens")
            @Schema(description = "At most half of `max_chunk_size_tokens`.", minimum = "0")
            int chunkOverlapTokens) {}

    /** The body of {@code POST /v1/vector_stores/{storeId}/files}. */
    @Schema(name = "CreateVectorStoreFileRequest", description = "An unknown field is a 400.")
    record CreateVectorStoreFileRequest(
            @JsonProperty("file_id") @Schema(description = "A file of the project (`POST /v1/files`).")
            String fileId,

            @Schema(description = "Up to 16 strings, numbers or booleans, for the filters of searches.") @Nullable Map<String, AttributeValue> attributes,

            @JsonProperty("chunking_strategy") @Schema(description = "The store's strategy when absent.") @Nullable ChunkingStrategy chunkingStrategy) {}

    /** The body of {@code POST /v1/vector_stores/{storeId}/files/{fileId}}. */
    @Schema(name = "UpdateVectorStoreFileAttributesRequest", description = "An unknown field is a 400.")
    record UpdateVectorStoreFileAttributesRequest(
            @Schema(description = "Replaces the attributes: up to 16 strings, numbers or booleans; null clears them.")
            @Nullable Map<String, AttributeValue> attributes) {}

    /** One of a file's {@code attributes}. */
    @Schema(
            name = "AttributeValue",
            oneOf = {String.class, Double.class, Boolean.class})
    interface AttributeValue {}

    /** The body of {@code POST /v1/vector_stores/{storeId}/search}. */
    @Schema(name = "VectorStoreSearchRequest", description = "An unknown field is a 400.")
    record VectorStoreSearchRequest(
            @Schema(
                    description = "A string or a list of up to 20 strings, at most 16384 characters in all.",
                    oneOf = {String.class, String[].class})
            Object query,

            @JsonProperty("max_num_results") @Schema(minimum = "1", maximum = "50", defaultValue = "10") @Nullable Integer maxNumResults,

            @Schema(description = "OpenAI's comparison and compound filters on file attributes.") @Nullable Filter filters,

            @JsonProperty("ranking_options") @Nullable RankingOptions rankingOptions,

            @JsonProperty("rewrite_query")
            @Schema(description = "Not supported: only `false` is accepted.", allowableValues = "false")
            @Nullable Boolean rewriteQuery) {}

    /** {@code ranking_options} of a search. */
    @Schema(name = "VectorStoreSearchRankingOptions")
    record RankingOptions(
            @Schema(description = "Accepted and ignored: the gateway has one ranker.") @Nullable String ranker,

            @JsonProperty("score_threshold") @Schema(minimum = "0", maximum = "1") @Nullable Double scoreThreshold) {}

    /** OpenAI's attribute filter: a comparison or a compound of filters. */
    @Schema(
            name = "Filter",
            description = "A comparison of one file attribute, or filters joined by `and` or `or`; at most 10 deep"
                    + " and 256 in all.",
            oneOf = {ComparisonFilter.class, CompoundFilter.class})
    interface Filter {}

    /** A comparison of one file attribute. */
    @Schema(
            name = "ComparisonFilter",
            description = "`in` and `nin` take a non-empty list of strings and numbers; the others one value.")
    record ComparisonFilter(
            @Schema(allowableValues = {"eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"})
            String type,

            String key,

            @Schema(oneOf = {String.class, Double.class, Boolean.class, Scalar[].class})
            Object value)
            implements Filter {}

    /** One value of an {@code in} or {@code nin} list. */
    @Schema(
            name = "FilterListValue",
            oneOf = {String.class, Double.class})
    interface Scalar {}

    /** Filters joined by {@code and} or {@code or}. */
    @Schema(name = "CompoundFilter")
    record CompoundFilter(
            @Schema(allowableValues = {"and", "or"}) String type,
            @ArraySchema(minItems = 1) List<Filter> filters) implements Filter {}

    /** {@code rag_params} of a chat completion. */
    @Schema(
            name = "RagParams",
            description = "Retrieval from the project's vector stores; absent or null is none. The query is the last"
                    + " user message. Anything else is a 400 naming the field.")
    record RagParams(
            @JsonProperty("vector_store_ids") @ArraySchema(minItems = 1, maxItems = 8)
            List<String> vectorStoreIds,

            @JsonProperty("max_num_results") @Schema(minimum = "1", maximum = "20", defaultValue = "4") @Nullable Integer maxNumResults,

            @JsonProperty("score_threshold") @Schema(minimum = "0", maximum = "1") @Nullable Double scoreThreshold,

            @Nullable Filter filters,

            @JsonProperty("include_sources")
            @Schema(description = "Add the passages used to the answer, as `rag`.")
            @Nullable Boolean includeSources) {}
}
