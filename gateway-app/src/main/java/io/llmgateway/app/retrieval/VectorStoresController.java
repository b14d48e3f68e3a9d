package io.llmgateway.app.retrieval;

import io.llmgateway.app.pipeline.RequestIds;
import io.llmgateway.app.pipeline.UsageOwner;
import io.llmgateway.app.retrieval.RetrievalViews.Content;
import io.llmgateway.app.retrieval.RetrievalViews.Deleted;
import io.llmgateway.app.retrieval.RetrievalViews.ListPage;
import io.llmgateway.app.retrieval.RetrievalViews.SearchPage;
import io.llmgateway.app.retrieval.RetrievalViews.SearchResult;
import io.llmgateway.app.retrieval.RetrievalViews.VectorStoreFileView;
import io.llmgateway.app.retrieval.RetrievalViews.VectorStoreView;
import io.llmgateway.app.retrieval.VectorStoreStore.Key;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.KnownFields;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.rag.index.InvalidFilterException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's Vector Stores API, scoped to the caller's project: stores, their files (ingested in the background,
 * {@code in_progress} then {@code completed} or {@code failed}) and search.
 */
@RestController
public class VectorStoresController {

    static final int MAX_FILE_IDS = 500;
    static final int MAX_SEARCH_RESULTS = 50;
    private static final Set<String> FILE_STATUSES = Set.of("in_progress", "completed", "failed", "cancelled");

    private static final Set<String> CREATE_FIELDS =
            Set.of("name", "file_ids", "metadata", "chunking_strategy", "expires_after");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "metadata", "expires_after");
    private static final Set<String> ATTACH_FIELDS = Set.of("file_id", "attributes", "chunking_strategy");
    private static final Set<String> SEARCH_FIELDS =
            Set.of("query", "max_num_results", "filters", "ranking_options", "rewrite_query");
    /** A search's queries together: far more than a question, far less than a document. */
    static final int MAX_QUERY_CHARS = 16_384;

    private static final int MAX_QUERIES = 20;

    private final VectorStoreStore stores;
    private final Ingestion ingestion;
    private final RetrievalSearch search;
    private final RetrievalAccess access;
    private final JsonMapper json;

    VectorStoresController(
            VectorStoreStore stores,
            Ingestion ingestion,
            RetrievalSearch search,
            RetrievalAccess access,
            JsonMapper gatewayJsonMapper) {
        this.stores = stores;
        this.ingestion = ingestion;
        this.search = search;
        this.access = access;
        this.json = gatewayJsonMapper;
    }

    @PostMapping("/v1/vector_stores")
    public Mono<VectorStoreView> create(Caller caller, @RequestBody(required = false) JsonNode body) {
        ObjectNode request = object(body);
        KnownFields.check(request, "", CREATE_FIELDS);
        String name = optionalString(request.get("name"), "name", 256);
        List<String> fileIds = fileIds(request.get("file_ids"));
        if (!fileIds.isEmpty()) {
            access.check(caller, "file_ids");
        }
        ObjectNode metadata = Attributes.metadata(request.get("metadata"), "metadata");
        JsonNode chunkingRequest = request.get("chunking_strategy");
        Chunking storeChunking = Chunking.parse(chunkingRequest, "chunking_strategy", null);
        Chunking fileChunking = storeChunking == null ? Chunking.AUTO : storeChunking;
        Integer expiresAfterDays = expiresAfterDays(request.get("expires_after"));
        return stores.create(caller.projectId(), name, metadata, storeChunking, expiresAfterDays, fileIds, fileChunking)
                .map(created -> {
                    ingestion.submit(created.attachments());
                    return created.store();
                });
    }

    @GetMapping("/v1/vector_stores")
    public Mono<ListPage<VectorStoreView>> list(
            Caller caller,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String before) {
        return stores.list(caller.projectId(), ListParams.of(limit, order, after, before, 100, 20));
    }

    @GetMapping("/v1/vector_stores/{storeId}")
    public Mono<VectorStoreView> get(Caller caller, @PathVariable String storeId) {
        return stores.get(caller.projectId(), storeId);
    }

    /** Changes {@code name}, {@code metadata} and {@code expires_after} (null removes the expiry). */
    @PostMapping("/v1/vector_stores/{storeId}")
    public Mono<VectorStoreView> update(
            Caller caller, @PathVariable String storeId, @RequestBody(required = false) JsonNode body) {
        ObjectNode request = object(body);
        KnownFields.check(request, "", UPDATE_FIELDS);
        boolean setName = request.has("name");
        String name = optionalString(request.get("name"), "name", 256);
        JsonNode metadataNode = request.get("metadata");
        ObjectNode metadata = metadataNode == null ? null : Attributes.metadata(metadataNode, "metadata");
        boolean setExpiry = request.has("expires_after");
        Integer expiresAfterDays = expiresAfterDays(request.get("expires_after"));
        return stores.update(caller.projectId(), storeId, name, setName, metadata, setExpiry, expiresAfterDays);
    }

    @DeleteMapping("/v1/vector_stores/{storeId}")
    public Mono<Deleted> delete(Caller caller, @PathVariable String storeId) {
        return stores.delete(caller.projectId(), storeId);
    }

    @PostMapping("/v1/vector_stores/{storeId}/files")
    public Mono<VectorStoreFileView> attach(
            Caller caller, @PathVariable String storeId, @RequestBody(required = false) JsonNode body) {
        ObjectNode request = object(body);
        KnownFields.check(request, "", ATTACH_FIELDS);
        JsonNode fileId = request.get("file_id");
        if (fileId == null || !fileId.isString() || fileId.stringValue().isBlank()) {
            throw InvalidRequestException.invalidParameter("file_id", "Missing required parameter: 'file_id'.");
        }
        access.check(caller, "file_id");
        ObjectNode attributes = Attributes.attributes(request.get("attributes"), "attributes");
        return stores.attach(
                        caller.projectId(), storeId, fileId.stringValue(), attributes, request.get("chunking_strategy"))
                .map(view -> {
                    ingestion.submit(List.of(new Key(storeId, view.id())));
                    return view;
                });
    }

    @GetMapping("/v1/vector_stores/{storeId}/files")
    public Mono<ListPage<VectorStoreFileView>> files(
            Caller caller,
            @PathVariable String storeId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String before,
            @RequestParam(required = false) String filter) {
        if (filter != null && !filter.isBlank() && !FILE_STATUSES.contains(filter)) {
            throw InvalidRequestException.invalidParameter(
                    "filter", "'filter' must be one of in_progress, completed, failed and cancelled.");
        }
        return stores.listFiles(
                caller.projectId(),
                storeId,
                filter == null || filter.isBlank() ? null : filter,
                ListParams.of(limit, order, after, before, 100, 20));
    }

    @GetMapping("/v1/vector_stores/{storeId}/files/{fileId}")
    public Mono<VectorStoreFileView> file(Caller caller, @PathVariable String storeId, @PathVariable String fileId) {
        return stores.getFile(caller.projectId(), storeId, fileId);
    }

    /** Replaces the file's {@code attributes} (the filters of searches see the new ones within seconds). */
    @PostMapping("/v1/vector_stores/{storeId}/files/{fileId}")
    public Mono<VectorStoreFileView> updateFile(
            Caller caller,
            @PathVariable String storeId,
            @PathVariable String fileId,
            @RequestBody(required = false) JsonNode body) {
        ObjectNode request = object(body);
        KnownFields.check(request, "", Set.of("attributes"));
        if (!request.has("attributes")) {
            throw InvalidRequestException.invalidParameter("attributes", "Missing required parameter: 'attributes'.");
        }
        return stores.updateAttributes(
                caller.projectId(), storeId, fileId, Attributes.attributes(request.get("attributes"), "attributes"));
    }

    @DeleteMapping("/v1/vector_stores/{storeId}/files/{fileId}")
    public Mono<Deleted> detach(Caller caller, @PathVariable String storeId, @PathVariable String fileId) {
        return stores.detach(caller.projectId(), storeId, fileId);
    }

    /**
     * {@code query} (a string or a list of strings), {@code max_num_results} (1-50, default 10), {@code filters}
     * (OpenAI's comparison and compound filters on file attributes), {@code ranking_options.score_threshold} (0-1).
     */
    @PostMapping("/v1/vector_stores/{storeId}/search")
    public Mono<SearchPage> search(
            Caller caller,
            @PathVariable String storeId,
            @RequestBody(required = false) JsonNode body,
            ServerWebExchange exchange) {
        ObjectNode request = object(body);
        KnownFields.check(request, "", SEARCH_FIELDS);
        access.check(caller, "query");
        JsonNode rewrite = request.get("rewrite_query");
        if (rewrite != null && !rewrite.isNull() && !(rewrite.isBoolean() && !rewrite.booleanValue())) {
            throw InvalidRequestException.invalidParameter(
                    "rewrite_query",
                    "'rewrite_query' is not supported: the gateway searches the query as given; send false.");
        }
        List<String> queries = queries(request.get("query"));
        int max = integer(request.get("max_num_results"), "max_num_results", 1, MAX_SEARCH_RESULTS, 10);
        Filter filter = filter(request.get("filters"), "filters");
        double threshold = 0;
        JsonNode ranking = request.get("ranking_options");
        if (ranking != null && !ranking.isNull()) {
            if (!ranking.isObject()) {
                throw InvalidRequestException.invalidParameter(
                        "ranking_options", "'ranking_options' must be an object.");
            }
            KnownFields.check(ranking, "ranking_options", Set.of("score_threshold", "ranker"));
            JsonNode ranker = ranking.get("ranker");
            if (ranker != null && !ranker.isNull() && !ranker.isString()) {
                throw InvalidRequestException.invalidParameter(
                        "ranking_options.ranker",
                        "'ranking_options.ranker' must be a string (the gateway has one ranker).");
            }
            JsonNode value = ranking.get("score_threshold");
            if (value != null && !value.isNull()) {
                if (!(value.isNumber() && value.doubleValue(Double.NaN) >= 0 && value.doubleValue(Double.NaN) <= 1)) {
                    throw InvalidRequestException.invalidParameter(
                            "ranking_options.score_threshold",
                            "'ranking_options.score_threshold' must be a number between 0 and 1.");
                }
                threshold = value.doubleValue();
            }
        }
        String query = String.join("\n", queries);
        String requestId = RequestIds.next();
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, requestId);
        UsageOwner owner = new UsageOwner(requestId, caller.keyId(), caller.userId(), caller.projectId());
        return search.search(
                        owner, List.of(storeId), query, max, threshold, filter, VectorStoreStore::storeNotFound, null)
                .map(hits -> {
                    List<SearchResult> data = new ArrayList<>(hits.size());
                    hits.forEach(hit -> data.add(new SearchResult(
                            hit.fileId(),
                            hit.filename(),
                            hit.score(),
                            json.valueToTree(Attributes.forResponse(hit.attributes())),
                            List.of(new Content("text", hit.text())))));
                    return new SearchPage("vector_store.search_results.page", queries, data, false, null);
                });
    }

    /**
     * The days of OpenAI's {@code expires_after} ({@code {"anchor": "last_active_at", "days": 1-365}}), or null
     * when absent or null.
     */
    static @Nullable Integer expiresAfterDays(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw InvalidRequestException.invalidParameter(
                    "expires_after",
                    "'expires_after' must be an object {\"anchor\": \"last_active_at\", \"days\": 1-365} or null.");
        }
        for (String field : node.propertyNames()) {
            if (!field.equals("anchor") && !field.equals("days")) {
                throw InvalidRequestException.invalidParameter(
                        "expires_after." + field,
                        "Unknown field 'expires_after." + field + "'; allowed: anchor, days.");
            }
        }
        JsonNode anchor = node.get("anchor");
        if (anchor == null || !anchor.isString() || !anchor.stringValue().equals("last_active_at")) {
            throw InvalidRequestException.invalidParameter(
                    "expires_after.anchor", "'expires_after.anchor' must be 'last_active_at'.");
        }
        JsonNode days = node.get("days");
        if (days == null || days.isNull()) {
            throw InvalidRequestException.invalidParameter(
                    "expires_after.days", "'expires_after.days' must be an integer between 1 and 365.");
        }
        return integer(days, "expires_after.days", 1, 365, 0);
    }

    /** A filter from its JSON, or null; a bad one is a 400 naming the field at fault. */
    static @Nullable Filter filter(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return Filter.parse(node, param);
        } catch (InvalidFilterException e) {
            throw InvalidRequestException.invalidParameter(e.path(), "Invalid filter: " + e.getMessage());
        }
    }

    private static List<String> queries(JsonNode node) {
        List<String> queries = new ArrayList<>();
        if (node != null && node.isString()) {
            queries.add(node.stringValue());
        } else if (node != null && node.isArray() && node.size() <= MAX_QUERIES) {
            for (JsonNode item : node) {
                if (!item.isString()) {
                    queries.clear();
                    break;
                }
                queries.add(item.stringValue());
            }
        }
        if (queries.isEmpty() || queries.stream().allMatch(String::isBlank)) {
            throw InvalidRequestException.invalidParameter(
                    "query", "'query' must be a non-empty string or a list of at most " + MAX_QUERIES + " strings.");
        }
        if (queries.stream().mapToInt(String::length).sum() > MAX_QUERY_CHARS) {
            throw InvalidRequestException.invalidParameter(
                    "query", "'query' must be at most " + MAX_QUERY_CHARS + " characters in all.");
        }
        return queries;
    }

    private static List<String> fileIds(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_FILE_IDS) {
            throw InvalidRequestException.invalidParameter(
                    "file_ids", "'file_ids' must be a list of at most " + MAX_FILE_IDS + " file ids.");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode id : node) {
            if (!id.isString() || id.stringValue().isBlank()) {
                throw InvalidRequestException.invalidParameter("file_ids", "'file_ids' must hold file ids.");
            }
            ids.add(id.stringValue());
        }
        return List.copyOf(ids);
    }

    static ObjectNode object(JsonNode body) {
        if (body == null || body.isNull()) {
            return tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!(body instanceof ObjectNode object)) {
            throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
        }
        return object;
    }

    static @Nullable String optionalString(JsonNode node, String param, int maxLength) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.stringValue().length() > maxLength) {
            throw InvalidRequestException.invalidParameter(
                    param, "'" + param + "' must be a string of at most " + maxLength + " characters.");
        }
        return node.stringValue();
    }

    static int integer(JsonNode node, String param, int min, int max, int fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw InvalidRequestException.invalidParameter(
                    param, "'" + param + "' must be an integer between " + min + " and " + max + ".");
        }
        return node.intValue();
    }
}
