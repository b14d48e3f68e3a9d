package io.llmgateway.app.openapi;

import io.llmgateway.core.error.ErrorType;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * What springdoc cannot read from the handlers: the document's description, the bearer keys with the
 * {@code X-User-Id} and {@code X-Project-Id} headers of the data plane, OpenAI's error body as the answer to every
 * failure, {@code rag_params} of a chat completion, and an order a reader can follow (the data plane, then the admin
 * API).
 */
final class OpenApiCustomizations implements OpenApiCustomizer {

    private static final String SECURITY_SCHEME = "bearerKey";
    private static final String ERROR_RESPONSE = "ErrorResponse";

    private static final String REF_SCHEMAS = "#/components/schemas/";
    private static final String REF_RESPONSES = "#/components/responses/";
    private static final String REF_PARAMETERS = "#/components/parameters/";
    private static final String DATA_PLANE = "/v1/";

    private static final String DESCRIPTION = """
            An OpenAI-compatible gateway to many model providers. The data plane under `/v1` speaks OpenAI's API \
            (chat completions as JSON or server-sent events, embeddings, models, files and vector stores) plus the \
            caller's usage; the admin API under `/admin/v1` manages users, projects, their members, keys and \
            limits, and reads usage and the audit log.

            Every request but this document's carries a key: `Authorization: Bearer <key>`. Every failure answers \
            OpenAI's error body, `{"error": {"message", "type", "param", "code"}}`, with the HTTP status that \
            fits.""";

    private static final String KEYS = """
            A key of the gateway, sent as `Authorization: Bearer <key>`. Three kinds, told by their prefix:

            * `gwp_`: a personal access token, a user's. On the data plane `X-Project-Id` picks one of the user's \
            projects (the user's default project when omitted); `X-User-Id`, if sent, must be the token's user. \
            In the admin API it acts within its user's roles.
            * `gws_`: a service key, a project's. On the data plane `X-User-Id` is required: the end user the \
            service acts for (1-128 characters of `[A-Za-z0-9._@-]`).
            * `gwa_`: an admin token. On the data plane `X-Project-Id` is required to call models; the admin API \
            needs no header.

            A bad, unknown, revoked or expired key is a 401 `invalid_api_key`; too many failures from one address \
            or for one key id are a 429.""";

    /** What the list operations' paging parameters mean, where the handler does not say. */
    private static final Map<String, String> PAGING = Map.of(
            "limit", "The most items to return.",
            "after", "A cursor: the `last_id` of the previous page.",
            "before", "A cursor: the `first_id` of the next page.",
            "order", "`asc` or `desc` by `created_at` (default `desc`).");

    @Override
    public void customise(OpenAPI openApi) {
        Set<String> collisions = SchemaRules.collisions();
        if (!collisions.isEmpty()) {
            throw new IllegalStateException("Types documented under one name (name one of them with @Schema(name), or"
                    + " in OpenApiConfiguration for a type of gateway-core or retrieval): " + collisions);
        }
        openApi.info(new Info().title("LLM Gateway API").version(version()).description(DESCRIPTION));
        // no servers: a client resolves the paths against the address it read this document from
        openApi.servers(null);
        Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
        openApi.components(components);
        components.addSecuritySchemes(
                SECURITY_SCHEME,
                new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("gwp_ | gws_ | gwa_ key")
                        .description(KEYS));
        openApi.security(List.of(new SecurityRequirement().addList(SECURITY_SCHEME)));
        errors(components);
        headers(components);
        chatRequest(components);
        Paths paths = openApi.getPaths() == null ? new Paths() : openApi.getPaths();
        openApi.paths(ordered(paths));
        openApi.getPaths()
                .forEach((path, item) -> item.readOperations().forEach(operation -> {
                    responses(operation);
                    if (operation.getParameters() != null) {
                        operation.getParameters().stream()
                                .filter(parameter ->
                                        parameter.getDescription() == null && "query".equals(parameter.getIn()))
                                .forEach(parameter -> parameter.setDescription(PAGING.get(parameter.getName())));
                    }
                    if (path.startsWith(DATA_PLANE)) {
                        operation.addParametersItem(new Parameter().$ref(REF_PARAMETERS + "XUserId"));
                        operation.addParametersItem(new Parameter().$ref(REF_PARAMETERS + "XProjectId"));
                    }
                }));
        openApi.tags(tagsInPathOrder(openApi));
    }

    /** OpenAI's error body, and the two answers every operation may give with it. */
    private static void errors(Components components) {
        Schema<?> error = new ObjectSchema()
                .description("What went wrong, as OpenAI says it.")
                .addProperty("message", new StringSchema().description("For a person to read."))
                .addProperty(
                        "type",
                        new StringSchema()
                                .description("The kind of error; the gateway's own are "
                                        + Arrays.stream(ErrorType.values())
                                                .map(type -> "`" + type.wireName() + "`")
                                                .collect(Collectors.joining(", "))
                                        + "."))
                .addProperty(
                        "param",
                        new StringSchema()
                                .nullable(true)
                                .description("The request field at fault, e.g. `messages[0].role`, or null."))
                .addProperty(
                        "code",
                        new StringSchema()
                                .nullable(true)
                                .description("A stable code for programs, e.g. `invalid_api_key`,"
                                        + " `model_not_found`, `rate_limit_exceeded`, or null."))
                .required(List.of("message", "type", "param", "code"));
        components.addSchemas("Error", error);
        components.addSchemas(
                ERROR_RESPONSE,
                new ObjectSchema()
                        .description("OpenAI's error body: the only shape of a failure.")
                        .addProperty("error", new Schema<>().$ref(REF_SCHEMAS + "Error"))
                        .required(List.of("error")));
        Content json = new Content()
                .addMediaType(
                        org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                        new MediaType().schema(new Schema<>().$ref(REF_SCHEMAS + ERROR_RESPONSE)));
        components.addResponses(
                "Unauthorized",
                new ApiResponse()
                        .description("No key, or a bad, unknown, revoked or expired one: `invalid_api_key`.")
                        .addHeaderObject(
                                "WWW-Authenticate",
                                new Header()
                                        .description("`Bearer realm=\"llm-gateway\"`")
                                        .schema(new StringSchema()))
                        .content(json));
        components.addResponses(
                "Error",
                new ApiResponse()
                        .description("A failure, in OpenAI's error body: 400 a bad request (naming the field in"
                                + " `param`), 403 not allowed, 404 not found, 409 a conflict, 413 too large, 415 not"
                                + " JSON, 429 a rate limit or budget (with `Retry-After`), 5xx the gateway or the"
                                + " model's provider failed.")
                        .content(json));
    }

    /** The data plane's two identity headers (which one a key needs is in the security scheme). */
    private static void headers(Components components) {
        components.addParameters(
                "XUserId",
                new HeaderParameter()
                        .name("X-User-Id")
                        .description("The end user: required with a service key (`gws_`); with a personal access"
                                + " token (`gwp_`), if sent, its user.")
                        .schema(new StringSchema().maxLength(128).pattern("^[A-Za-z0-9._@-]+$")));
        components.addParameters(
                "XProjectId",
                new HeaderParameter()
                        .name("X-Project-Id")
                        .description("The project: one of the user's with a personal access token (`gwp_`, the"
                                + " default project when omitted); required with an admin token (`gwa_`); with a"
                                + " service key (`gws_`), if sent, its project.")
                        .schema(new StringSchema()));
    }

    /**
     * The chat request as the API takes it: its record holds {@code model} and {@code messages} as null when they are
     * missing, to answer OpenAI's 400 for them, but the API requires them; and it reads {@code rag_params} as a JSON
     * tree, whose shape is {@link WireBodies.RagParams}.
     */
    @SuppressWarnings({"rawtypes", "unchecked"}) // swagger's model API is raw
    private static void chatRequest(Components components) {
        Map<String, Schema> schemas = components.getSchemas();
        Schema chat = schemas == null ? null : schemas.get("ChatCompletionRequest");
        if (chat == null || chat.getProperties() == null) {
            return;
        }
        Map<String, Schema> properties = chat.getProperties();
        for (String required : List.of("model", "messages")) {
            Schema property = properties.get(required);
            if (property != null) {
                property.setNullable(null);
                chat.addRequiredItem(required);
            }
        }
        Schema messages = properties.get("messages");
        if (messages != null) {
            messages.setMinItems(1);
        }
        ModelConverters.getInstance()
                .readAll(new AnnotatedType(WireBodies.RagParams.class))
                .forEach(components::addSchemas);
        properties.put("rag_params", new Schema<>().$ref(REF_SCHEMAS + "RagParams"));
    }

    /** The failures every operation may answer, unless it says more itself. */
    private static void responses(Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.responses(responses);
        responses.computeIfAbsent("401", code -> new ApiResponse().$ref(REF_RESPONSES + "Unauthorized"));
        responses.computeIfAbsent("default", code -> new ApiResponse().$ref(REF_RESPONSES + "Error"));
    }

    /** The data plane, then the admin API, each by path. */
    private static Paths ordered(Paths paths) {
        List<Map.Entry<String, PathItem>> entries = new ArrayList<>(paths.entrySet());
        entries.sort(Comparator.comparing(
                        (Map.Entry<String, PathItem> entry) -> !entry.getKey().startsWith(DATA_PLANE))
                .thenComparing(Map.Entry::getKey));
        Paths ordered = new Paths();
        entries.forEach(entry -> ordered.addPathItem(entry.getKey(), entry.getValue()));
        ordered.setExtensions(paths.getExtensions());
        return ordered;
    }

    /** The tags in the order their first operation comes, so that a reference page follows the paths. */
    private static @Nullable List<Tag> tagsInPathOrder(OpenAPI openApi) {
        Set<String> order = new LinkedHashSet<>();
        openApi.getPaths()
                .values()
                .forEach(item -> item.readOperations().forEach(operation -> {
                    if (operation.getTags() != null) {
                        order.addAll(operation.getTags());
                    }
                }));
        Map<String, Tag> tags = new LinkedHashMap<>();
        order.forEach(name -> tags.put(name, new Tag().name(name)));
        if (openApi.getTags() != null) {
            openApi.getTags().forEach(tag -> tags.put(tag.getName(), tag));
        }
        return tags.isEmpty() ? null : List.copyOf(tags.values());
    }

    /** The gateway's version from its jar, or {@code development} when run from classes. */
    private static String version() {
        String version = OpenApiCustomizations.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
