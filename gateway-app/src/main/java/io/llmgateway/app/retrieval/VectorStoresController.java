package io.llmgateway.app.retrieval;

import io.llmgateway.app.pipeline.RequestIds;
import io.llmgateway.app.retrieval.VectorStoreRequests.AttachFile;
import io.llmgateway.app.retrieval.VectorStoreRequests.Create;
import io.llmgateway.app.retrieval.VectorStoreRequests.Search;
import io.llmgateway.app.retrieval.VectorStoreRequests.Update;
import io.llmgateway.app.retrieval.VectorStoreRequests.UpdateFile;
import io.llmgateway.auth.Caller;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ListPage;
import io.llmgateway.retrieval.Attributes;
import io.llmgateway.retrieval.Chunking;
import io.llmgateway.retrieval.EmbeddingOwner;
import io.llmgateway.retrieval.Ingestion;
import io.llmgateway.retrieval.ListParams;
import io.llmgateway.retrieval.RetrievalSearch;
import io.llmgateway.retrieval.RetrievalViews.Content;
import io.llmgateway.retrieval.RetrievalViews.Deleted;
import io.llmgateway.retrieval.RetrievalViews.SearchPage;
import io.llmgateway.retrieval.RetrievalViews.SearchResult;
import io.llmgateway.retrieval.RetrievalViews.VectorStoreFileView;
import io.llmgateway.retrieval.RetrievalViews.VectorStoreView;
import io.llmgateway.retrieval.VectorStoreRepository;
import io.llmgateway.retrieval.VectorStoreRepository.Key;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's Vector Stores API, scoped to the caller's project: stores, their files (ingested in the background,
 * {@code in_progress} then {@code completed} or {@code failed}) and search.
 */
@Tag(name = "Vector stores")
@RestController
@ConditionalOnRetrieval
public class VectorStoresController {

    private static final Set<String> FILE_STATUSES = Set.of("in_progress", "completed", "failed", "cancelled");

    private final VectorStoreRepository stores;
    private final Ingestion ingestion;
    private final RetrievalSearch search;
    private final RetrievalAccess access;
    private final JsonMapper json;

    VectorStoresController(
            VectorStoreRepository stores,
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

    @Operation(
            operationId = "createVectorStore",
            summary = "Create a vector store",
            description = "The files in `file_ids` are attached and ingested in the background.")
    @PostMapping("/v1/vector_stores")
    public Mono<VectorStoreView> create(Caller caller, @RequestBody(required = false) Create body) {
        Create request = body == null ? Create.from(null) : body;
        if (!request.fileIds().isEmpty()) {
            access.check(caller, "file_ids");
        }
        Chunking fileChunking = request.chunking() == null ? Chunking.AUTO : request.chunking();
        return stores.create(
                        caller.projectId(),
                        request.name(),
                        request.metadata(),
                        request.chunking(),
                        request.expiresAfterDays(),
                        request.fileIds(),
                        fileChunking)
                .map(created -> {
                    ingestion.submit(created.attachments());
                    return created.store();
                });
    }

    @Operation(operationId = "listVectorStores", summary = "List vector stores")
    @GetMapping("/v1/vector_stores")
    public Mono<ListPage<VectorStoreView>> list(
            Caller caller,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String before) {
        return stores.list(caller.projectId(), ListParams.of(limit, order, after, before, 100, 20));
    }

    @Operation(operationId = "getVectorStore", summary = "Retrieve a vector store")
    @GetMapping("/v1/vector_stores/{storeId}")
    public Mono<VectorStoreView> get(Caller caller, @PathVariable String storeId) {
        return stores.get(caller.projectId(), storeId);
    }

    /** Changes {@code name}, {@code metadata} and {@code expires_after} (null removes the expiry). */
    @Operation(operationId = "modifyVectorStore", summary = "Modify a vector store")
    @PostMapping("/v1/vector_stores/{storeId}")
    public Mono<VectorStoreView> update(
            Caller caller, @PathVariable String storeId, @RequestBody(required = false) Update body) {
        Update request = body == null ? Update.from(null) : body;
        return stores.update(
                caller.projectId(),
                storeId,
                request.name().value(),
                request.name().present(),
                request.metadata().value(),
                request.expiresAfterDays().present(),
                request.expiresAfterDays().value());
    }

    @Operation(operationId = "deleteVectorStore", summary = "Delete a vector store")
    @DeleteMapping("/v1/vector_stores/{storeId}")
    public Mono<Deleted> delete(Caller caller, @PathVariable String storeId) {
        return stores.delete(caller.projectId(), storeId);
    }

    @Operation(
            operationId = "createVectorStoreFile",
            summary = "Attach a file to a vector store",
            description = "The file is ingested in the background: its `status` goes from `in_progress` to"
                    + " `completed`, or `failed` with `last_error`.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true))
    @PostMapping("/v1/vector_stores/{storeId}/files")
    public Mono<VectorStoreFileView> attach(
            Caller caller, @PathVariable String storeId, @RequestBody(required = false) AttachFile body) {
        AttachFile request = body == null ? AttachFile.from(null) : body;
        access.check(caller, "file_id");
        return stores.attach(caller.projectId(), storeId, request.fileId(), request.attributes(), request.chunking())
                .map(view -> {
                    ingestion.submit(List.of(new Key(storeId, view.id())));
                    return view;
                });
    }

    @Operation(operationId = "listVectorStoreFiles", summary = "List a vector store's files")
    @GetMapping("/v1/vector_stores/{storeId}/files")
    public Mono<ListPage<VectorStoreFileView>> files(
            Caller caller,
            @PathVariable String storeId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) String before,
            @Parameter(
                            description = "Only the files of this status.",
                            schema = @Schema(allowableValues = {"in_progress", "completed", "failed", "cancelled"}))
                    @RequestParam(required = false)
                    String filter) {
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

    @Operation(operationId = "getVectorStoreFile", summary = "Retrieve a vector store's file")
    @GetMapping("/v1/vector_stores/{storeId}/files/{fileId}")
    public Mono<VectorStoreFileView> file(Caller caller, @PathVariable String storeId, @PathVariable String fileId) {
        return stores.getFile(caller.projectId(), storeId, fileId);
    }

    /** Replaces the file's {@code attributes} (the filters of searches see the new ones within seconds). */
    @Operation(
            operationId = "updateVectorStoreFileAttributes",
            summary = "Replace a file's attributes",
            description = "Searches filter on the new attributes within seconds.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true))
    @PostMapping("/v1/vector_stores/{storeId}/files/{fileId}")
    public Mono<VectorStoreFileView> updateFile(
            Caller caller,
            @PathVariable String storeId,
            @PathVariable String fileId,
            @RequestBody(required = false) UpdateFile body) {
        UpdateFile request = body == null ? UpdateFile.from(null) : body;
        return stores.updateAttributes(caller.projectId(), storeId, fileId, request.attributes());
    }

    @Operation(
            operationId = "deleteVectorStoreFile",
            summary = "Detach a file from a vector store",
            description = "The file itself stays.")
    @DeleteMapping("/v1/vector_stores/{storeId}/files/{fileId}")
    public Mono<Deleted> detach(Caller caller, @PathVariable String storeId, @PathVariable String fileId) {
        return stores.detach(caller.projectId(), storeId, fileId);
    }

    /**
     * {@code query} (a string or a list of strings), {@code max_num_results} (1-50, default 10), {@code filters}
     * (OpenAI's comparison and compound filters on file attributes), {@code ranking_options.score_threshold} (0-1).
     */
    @Operation(
            operationId = "searchVectorStore",
            summary = "Search a vector store",
            description = "Hybrid search (BM25 and vectors, fused by reciprocal rank; scores 0-1) of the store's"
                    + " chunks, filtered on their files' attributes. The embedding tokens are recorded as usage under"
                    + " the response's `x-request-id`.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true))
    @PostMapping("/v1/vector_stores/{storeId}/search")
    public Mono<SearchPage> search(
            Caller caller,
            @PathVariable String storeId,
            @RequestBody(required = false) Search body,
            ServerWebExchange exchange) {
        Search request = body == null ? Search.from(null) : body;
        access.check(caller, "query");
        String requestId = RequestIds.next();
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, requestId);
        EmbeddingOwner owner = new EmbeddingOwner(requestId, caller.keyId(), caller.userId(), caller.projectId());
        return search.search(
                        owner,
                        List.of(storeId),
                        request.query(),
                        request.maxNumResults(),
                        request.scoreThreshold(),
                        request.filter(),
                        VectorStoreRepository::storeNotFound,
                        null)
                .map(hits -> {
                    List<SearchResult> data = new ArrayList<>(hits.size());
                    hits.forEach(hit -> data.add(new SearchResult(
                            hit.fileId(),
                            hit.filename(),
                            hit.score(),
                            json.valueToTree(Attributes.forResponse(hit.attributes())),
                            List.of(new Content("text", hit.text())))));
                    return new SearchPage("vector_store.search_results.page", request.queries(), data, false, null);
                });
    }
}
