package io.llmgateway.app.retrieval;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.llmgateway.app.pipeline.ChatAugmentation;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.profile.RagParamsShape;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.protocol.Unmodifiable;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.rag.index.SearchHit;
import io.llmgateway.retrieval.EmbeddingOwner;
import io.llmgateway.retrieval.RetrievalSearch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code rag_params} on chat completions: the gateway's own parameter, never forwarded upstream. The query is the
 * last user message; the passages found in the caller's project's stores reach the model as its profile says: as a
 * {@code context} message right before the last user message when the profile has NIM's {@code context} role,
 * otherwise as a system message built from {@code gateway.retrieval.system-template}, placed after the client's own
 * leading system messages.
 */
public class ChatRetrieval implements ChatAugmentation {

    public static final int DEFAULT_MAX_NUM_RESULTS = 4;
    /** The usage record of the query's embedding is the chat request's id with this suffix. */
    public static final String EMBEDDING_RECORD_SUFFIX = "_embedding";

    private final RetrievalSearch search;
    private final RetrievalAccess access;
    private final JsonMapper json;
    private final String template;

    ChatRetrieval(RetrievalSearch search, RetrievalAccess access, JsonMapper json, String template) {
        this.search = search;
        this.access = access;
        this.json = json;
        this.template = template;
    }

    @Override
    public Retrieval plan(JsonNode ragParams, Caller caller) {
        Query query = Objects.requireNonNull(parse(ragParams, caller), "plan is given a non-null rag_params");
        return (requestId, messages, contextRole) -> retrieve(caller, requestId, query, messages, contextRole)
                .map(result -> new Augmented(result.messages(), result.sources().size(), result.rag()));
    }

    /**
     * The retrieval a request asks for, or null when {@code rag_params} is absent or null. A violation is a 400
     * naming the field ({@code rag_params.vector_store_ids}, {@code rag_params.filters.key}, ...); a project that
     * may not use the retrieval embedding model gets a 403.
     */
    @Nullable Query parse(JsonNode ragParams, Caller caller) {
        if (ragParams == null || ragParams.isNull()) {
            return null;
        }
        RagParamsShape.check(ragParams);
        access.check(caller, "rag_params");
        JsonNode filters = ragParams.get("filters");
        List<String> ids = new ArrayList<>();
        ragParams.get("vector_store_ids").forEach(id -> {
            if (!ids.contains(id.stringValue())) {
                ids.add(id.stringValue());
            }
        });
        JsonNode max = ragParams.get("max_num_results");
        JsonNode threshold = ragParams.get("score_threshold");
        JsonNode include = ragParams.get("include_sources");
        return new Query(
                List.copyOf(ids),
                max == null || max.isNull() ? DEFAULT_MAX_NUM_RESULTS : max.intValue(),
                threshold == null || threshold.isNull() ? 0 : threshold.doubleValue(),
                VectorStoreRequests.filter(filters, "rag_params.filters"),
                include != null && include.isBoolean() && include.booleanValue());
    }

    /**
     * Searches for the last user message and returns the messages with the passages added (unchanged when nothing
     * was found). A store that is not the project's is a 400 naming {@code rag_params.vector_store_ids}. The
     * tokens of the query's embedding are written to the caller under {@code <requestId>_embedding}.
     */
    Mono<Result> retrieve(
            Caller caller, String requestId, Query query, List<ChatMessage> messages, boolean contextRole) {
        int lastUser = lastUser(messages);
        String text = lastUser < 0 ? "" : messages.get(lastUser).text();
        if (text.isBlank()) {
            return Mono.error(InvalidRequestException.invalidParameter(
                    "messages", "rag_params searches with the last user message, and the request has none with text."));
        }
        EmbeddingOwner owner = new EmbeddingOwner(
                requestId + EMBEDDING_RECORD_SUFFIX, caller.keyId(), caller.userId(), caller.projectId());
        return search.search(
                        owner,
                        query.vectorStoreIds(),
                        text,
                        query.maxNumResults(),
                        query.scoreThreshold(),
                        query.filter(),
                        id -> InvalidRequestException.invalidParameter(
                                "rag_params.vector_store_ids", "No vector store with id '" + id + "' in this project."),
                        "rag_params.vector_store_ids")
                .map(hits -> {
                    List<Source> sources = hits.stream().map(Source::of).toList();
                    List<ChatMessage> augmented =
                            hits.isEmpty() ? messages : inject(messages, lastUser, format(hits), contextRole);
                    return new Result(augmented, sources, query.includeSources() ? sourcesJson(sources) : null);
                });
    }

    List<ChatMessage> inject(List<ChatMessage> messages, int lastUser, String passages, boolean contextRole) {
        List<ChatMessage> augmented = new ArrayList<>(messages.size() + 1);
        if (contextRole) {
            augmented.addAll(messages.subList(0, lastUser));
            augmented.add(ChatMessage.of("context", passages));
            augmented.addAll(messages.subList(lastUser, messages.size()));
            return augmented;
        }
        int position = 0;
        while (position < messages.size() && isSystem(messages.get(position))) {
            position++;
        }
        augmented.addAll(messages.subList(0, position));
        augmented.add(ChatMessage.of("system", template.replace("{sources}", passages)));
        augmented.addAll(messages.subList(position, messages.size()));
        return augmented;
    }

    private static boolean isSystem(ChatMessage message) {
        return "system".equals(message.role()) || "developer".equals(message.role());
    }

    static int lastUser(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return i;
            }
        }
        return -1;
    }

    /** The passages, numbered from 1 with their file names. */
    static String format(List<SearchHit> hits) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < hits.size(); i++) {
            SearchHit hit = hits.get(i);
            if (i > 0) {
                text.append("\n\n");
            }
            text.append('[')
                    .append(i + 1)
                    .append("] ")
                    .append(hit.filename())
                    .append('\n')
                    .append(hit.text());
        }
        return text.toString();
    }

    private JsonNode sourcesJson(List<Source> sources) {
        return json.valueToTree(Map.of("sources", sources));
    }

    /**
     * What {@code rag_params} asks for.
     *
     * @param vectorStoreIds the stores to search, 1 to 8, without duplicates
     * @param maxNumResults  1 to 20, default 4
     * @param scoreThreshold 0 to 1
     * @param filter         on file attributes, or null
     * @param includeSources whether the response carries a top-level {@code rag} object with the sources
     */
    public record Query(
            List<String> vectorStoreIds,
            int maxNumResults,
            double scoreThreshold,
            @Nullable Filter filter,
            boolean includeSources) {

        public Query {
            vectorStoreIds = List.copyOf(vectorStoreIds);
        }
    }

    /**
     * The outcome of retrieval.
     *
     * @param messages the conversation with the passages added
     * @param sources  the passages, best first
     * @param rag      the {@code rag} object for the response ({@code {"sources": [...]}}), or null when the client
     *                 did not ask for it
     */
    public record Result(
            List<ChatMessage> messages,
            List<Source> sources,
            @Nullable JsonNode rag) {

        public Result {
            messages = Unmodifiable.list(messages);
            sources = List.copyOf(sources);
        }
    }

    /** One passage given to the model. */
    public record Source(
            @JsonProperty("vector_store_id") String vectorStoreId,
            @JsonProperty("file_id") String fileId,
            String filename,
            @JsonProperty("chunk_index") int chunkIndex,
            double score,
            String text) {

        static Source of(SearchHit hit) {
            return new Source(
                    hit.vectorStoreId(), hit.fileId(), hit.filename(), hit.chunkIndex(), hit.score(), hit.text());
        }
    }
}
