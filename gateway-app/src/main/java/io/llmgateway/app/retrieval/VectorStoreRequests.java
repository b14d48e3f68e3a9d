package io.llmgateway.app.retrieval;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.json.BodyReader;
import io.llmgateway.core.json.KnownFields;
import io.llmgateway.core.json.Patch;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.rag.index.InvalidFilterException;
import io.llmgateway.retrieval.Attributes;
import io.llmgateway.retrieval.Chunking;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bodies of OpenAI's Vector Stores API, each read and checked from its JSON in its factory: OpenAI's messages
 * per field, a 400 naming the first field at fault, an unknown field refused. A missing body (or {@code null}) is
 * an empty object. {@code metadata} and {@code attributes} are kept as the JSON objects they are stored as, checked
 * and copied from the request.
 */
public final class VectorStoreRequests {

    static final int MAX_FILE_IDS = 500;
    static final int MAX_SEARCH_RESULTS = 50;
    /** A search's queries together: far more than a question, far less than a document. */
    static final int MAX_QUERY_CHARS = 16_384;

    private static final int MAX_QUERIES = 20;

    private VectorStoreRequests() {}

    /**
     * {@code POST /v1/vector_stores}.
     *
     * @param name             at most 256 characters, or null
     * @param fileIds          the files to attach, without duplicates; empty for none
     * @param metadata         up to 16 strings; empty for none
     * @param chunking         the store's {@code chunking_strategy} for its files, or null for auto
     * @param expiresAfterDays the days of {@code expires_after}, or null for none
     */
    @JsonDeserialize(using = Create.Reader.class)
    public record Create(
            @Nullable String name,
            List<String> fileIds,
            ObjectNode metadata,
            @Nullable Chunking chunking,
            @Nullable Integer expiresAfterDays) {

        private static final Set<String> FIELDS =
                Set.of("name", "file_ids", "metadata", "chunking_strategy", "expires_after");

        public Create {
            fileIds = List.copyOf(fileIds);
        }

        static Create from(@Nullable JsonNode body) {
            ObjectNode request = object(body);
            KnownFields.check(request, "", FIELDS);
            return new Create(
                    optionalString(request.get("name"), "name", 256),
                    VectorStoreRequests.fileIds(request.get("file_ids")),
                    Attributes.metadata(request.get("metadata"), "metadata"),
                    Chunking.parse(request.get("chunking_strategy"), "chunking_strategy", null),
                    VectorStoreRequests.expiresAfterDays(request.get("expires_after")));
        }

        static final class Reader extends BodyReader<Create> {
            Reader() {
                super(Create::from);
            }
        }
    }

    /**
     * {@code POST /v1/vector_stores/{id}}: each field absent (unchanged) or a value.
     *
     * @param name             at most 256 characters; null removes the name
     * @param metadata         replaces the metadata; null in the body clears it (an empty object here)
     * @param expiresAfterDays null removes the expiry
     */
    @JsonDeserialize(using = Update.Reader.class)
    public record Update(Patch<String> name, Patch<ObjectNode> metadata, Patch<Integer> expiresAfterDays) {

        private static final Set<String> FIELDS = Set.of("name", "metadata", "expires_after");

        static Update from(@Nullable JsonNode body) {
            ObjectNode request = object(body);
            KnownFields.check(request, "", FIELDS);
            return new Update(
                    present(request, "name", value -> optionalString(value, "name", 256)),
                    present(request, "metadata", value -> Attributes.metadata(value, "metadata")),
                    present(request, "expires_after", VectorStoreRequests::expiresAfterDays));
        }

        static final class Reader extends BodyReader<Update> {
            Reader() {
                super(Update::from);
            }
        }
    }

    /**
     * {@code POST /v1/vector_stores/{id}/files}.
     *
     * @param fileId     the file to attach
     * @param attributes up to 16 strings, numbers or booleans; empty for none
     * @param chunking   the file's {@code chunking_strategy}, or null for the store's
     */
    @JsonDeserialize(using = AttachFile.Reader.class)
    public record AttachFile(
            String fileId, ObjectNode attributes, @Nullable Chunking chunking) {

        private static final Set<String> FIELDS = Set.of("file_id", "attributes", "chunking_strategy");

        static AttachFile from(@Nullable JsonNode body) {
            ObjectNode request = object(body);
            KnownFields.check(request, "", FIELDS);
            JsonNode fileId = request.get("file_id");
            if (fileId == null || !fileId.isString() || fileId.stringValue().isBlank()) {
                throw InvalidRequestException.invalidParameter("file_id", "Missing required parameter: 'file_id'.");
            }
            return new AttachFile(
                    fileId.stringValue(),
                    Attributes.attributes(request.get("attributes"), "attributes"),
                    Chunking.parse(request.get("chunking_strategy"), "chunking_strategy", null));
        }

        static final class Reader extends BodyReader<AttachFile> {
            Reader() {
                super(AttachFile::from);
            }
        }
    }

    /** {@code POST /v1/vector_stores/{id}/files/{file}}: the file's new {@code attributes}, required. */
    @JsonDeserialize(using = UpdateFile.Reader.class)
    public record UpdateFile(ObjectNode attributes) {

        static UpdateFile from(@Nullable JsonNode body) {
            ObjectNode request = object(body);
            KnownFields.check(request, "", Set.of("attributes"));
            if (!request.has("attributes")) {
                throw InvalidRequestException.invalidParameter(
                        "attributes", "Missing required parameter: 'attributes'.");
            }
            return new UpdateFile(Attributes.attributes(request.get("attributes"), "attributes"));
        }

        static final class Reader extends BodyReader<UpdateFile> {
            Reader() {
                super(UpdateFile::from);
            }
        }
    }

    /**
     * {@code POST /v1/vector_stores/{id}/search}.
     *
     * @param queries        {@code query}: one string or up to 20, at most {@value #MAX_QUERY_CHARS} characters in all
     * @param maxNumResults  1 to {@value #MAX_SEARCH_RESULTS}, default 10
     * @param filter         OpenAI's comparison and compound filters on file attributes, or null
     * @param scoreThreshold {@code ranking_options.score_threshold}, 0 to 1
     */
    @JsonDeserialize(using = Search.Reader.class)
    public record Search(
            List<String> queries,
            int maxNumResults,
            @Nullable Filter filter,
            double scoreThreshold) {

        private static final Set<String> FIELDS =
                Set.of("query", "max_num_results", "filters", "ranking_options", "rewrite_query");

        public Search {
            queries = List.copyOf(queries);
        }

        static Search from(@Nullable JsonNode body) {
            ObjectNode request = object(body);
            KnownFields.check(request, "", FIELDS);
            JsonNode rewrite = request.get("rewrite_query");
            if (rewrite != null && !rewrite.isNull() && !(rewrite.isBoolean() && !rewrite.booleanValue())) {
                throw InvalidRequestException.invalidParameter(
                        "rewrite_query",
                        "'rewrite_query' is not supported: the gateway searches the query as given; send false.");
            }
            List<String> queries = VectorStoreRequests.queries(request.get("query"));
            int max = integer(request.get("max_num_results"), "max_num_results", 1, MAX_SEARCH_RESULTS, 10);
            Filter filter = VectorStoreRequests.filter(request.get("filters"), "filters");
            return new Search(queries, max, filter, scoreThreshold(request.get("ranking_options")));
        }

        private static double scoreThreshold(JsonNode ranking) {
            if (ranking == null || ranking.isNull()) {
                return 0;
            }
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
            if (value == null || value.isNull()) {
                return 0;
            }
            if (!(value.isNumber() && value.doubleValue(Double.NaN) >= 0 && value.doubleValue(Double.NaN) <= 1)) {
                throw InvalidRequestException.invalidParameter(
                        "ranking_options.score_threshold",
                        "'ranking_options.score_threshold' must be a number between 0 and 1.");
            }
            return value.doubleValue();
        }

        /** The query as one text: the queries a line each. */
        String query() {
            return String.join("\n", queries);
        }

        static final class Reader extends BodyReader<Search> {
            Reader() {
                super(Search::from);
            }
        }
    }

    /**
     * The days of OpenAI's {@code expires_after} ({@code {"anchor": "last_active_at", "days": 1-365}}), or null
     * when absent or null.
     */
    static @Nullable Integer expiresAfterDays(@Nullable JsonNode node) {
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
    static @Nullable Filter filter(@Nullable JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return Filter.parse(node, param);
        } catch (InvalidFilterException e) {
            throw InvalidRequestException.invalidParameter(e.path(), "Invalid filter: " + e.getMessage());
        }
    }

    /** The field, checked and converted, when the body has it (perhaps as null); absent otherwise. */
    private static <T> Patch<T> present(ObjectNode request, String field, Function<JsonNode, T> conversion) {
        return request.has(field) ? Patch.of(conversion.apply(request.get(field))) : Patch.absent();
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

    /** The body as an object: a missing body or {@code null} is an empty one. */
    private static ObjectNode object(@Nullable JsonNode body) {
        if (body == null || body.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!(body instanceof ObjectNode object)) {
            throw InvalidRequestException.malformedJson("The request body must be a JSON object.");
        }
        return object;
    }

    private static @Nullable String optionalString(@Nullable JsonNode node, String param, int maxLength) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.stringValue().length() > maxLength) {
            throw InvalidRequestException.invalidParameter(
                    param, "'" + param + "' must be a string of at most " + maxLength + " characters.");
        }
        return node.stringValue();
    }

    private static int integer(JsonNode node, String param, int min, int max, int fallback) {
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
