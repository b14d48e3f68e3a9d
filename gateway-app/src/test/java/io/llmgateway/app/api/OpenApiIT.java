package io.llmgateway.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.openapi.OpenApiController;
import io.llmgateway.testsupport.TestJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.WebFilter;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document at {@code /openapi.json}: public, and complete. Every handler of the running gateway under
 * {@code /v1/} and {@code /admin/v1/} (the annotated ones with their methods, and the functional routes) is in it, each
 * with an operation id and a summary, so an endpoint added without its documentation fails here; and what the document
 * says of keys, errors and the chat request is checked against what the gateway does.
 */
class OpenApiIT {

    private static final Pattern OPERATION_ID = Pattern.compile("[a-z][A-Za-z]+");
    private static final Pattern SCHEMA_REF = Pattern.compile("\"#/components/schemas/([^\"]+)\"");

    private static GatewayInstance gateway;
    private static byte[] body;
    private static JsonNode document;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(Map.of(
                "gateway.models[0].id", "mock-echo",
                "gateway.models[0].deployment", "mock"));
        body = fetch();
        document = TestJson.mapper().readTree(body);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** The document, without a key. */
    private static byte[] fetch() {
        return gateway.client()
                .get()
                .uri("/openapi.json")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
    }

    private static JsonNode operation(String method, String path) {
        return document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    }

    @Test
    void isPublicAndTheSameForEveryRequest() {
        assertThat(document.path("openapi").stringValue()).startsWith("3.");
        assertThat(fetch()).isEqualTo(body);
    }

    @Test
    void opensNothingElse() {
        gateway.client().get().uri("/v1/models").exchange().expectStatus().isUnauthorized();
        gateway.client().get().uri("/admin/v1/me").exchange().expectStatus().isUnauthorized();
        gateway.client()
                .get()
                .uri("/openapi.json.yaml")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        gateway.client()
                .post()
                .uri("/openapi.json")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void springdocAddsNoFilterNoMappingAndNoEndpointOfItsOwn() {
        assertThat(gateway.context().getBeansOfType(WebFilter.class).values())
                .noneMatch(filter -> filter.getClass().getName().startsWith("org.springdoc"));
        assertThat(gateway.context().getBeansOfType(HandlerMapping.class).values())
                .noneMatch(mapping -> mapping.getClass().getName().startsWith("org.springdoc"));
        gateway.client(gateway.adminToken())
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void springdocsSwitchTurnsTheDocumentOff() {
        try (GatewayInstance off = GatewayInstance.start(Map.of(
                "gateway.models[0].id", "mock-echo",
                "gateway.models[0].deployment", "mock",
                "springdoc.api-docs.enabled", "false"))) {
            off.client().get().uri("/openapi.json").exchange().expectStatus().isNotFound();
            assertThat(off.context().getBeanNamesForType(OpenApiController.class))
                    .isEmpty();
        }
    }

    @Test
    void everyAnnotatedHandlerIsThereWithItsMethods() {
        Set<String> handlers = new TreeSet<>();
        for (RequestMappingHandlerMapping mapping : gateway.context()
                .getBeansOfType(RequestMappingHandlerMapping.class)
                .values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                    String path = pattern.getPatternString();
                    if (path.startsWith("/v1/") || path.startsWith("/admin/v1/")) {
                        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                        assertThat(methods).as("the methods of %s", path).isNotEmpty();
                        methods.forEach(method -> handlers.add(method + " " + openApiPath(path)));
                    }
                }
            }
        }
        // the data plane's and the admin API's: models, usage, embeddings, files, vector stores, users, projects...
        assertThat(handlers).hasSizeGreaterThan(45);
        List<String> missing = handlers.stream()
                .filter(handler -> operation(
                                handler.substring(0, handler.indexOf(' ')), handler.substring(handler.indexOf(' ') + 1))
                        .isMissingNode())
                .toList();
        assertThat(missing).as("handlers missing from /openapi.json").isEmpty();
    }

    @Test
    void everyFunctionalRouteIsThere() {
        Set<String> paths = new TreeSet<>();
        for (RouterFunction<?> routes :
                gateway.context().getBeansOfType(RouterFunction.class).values()) {
            routes.accept(new RoutePaths(paths));
        }
        assertThat(paths).contains("/v1/chat/completions");
        assertThat(paths)
                .filteredOn(path -> path.startsWith("/v1/") || path.startsWith("/admin/v1/"))
                .allSatisfy(path -> assertThat(document.path("paths").has(path))
                        .as("%s in /openapi.json", path)
                        .isTrue());
        assertThat(operation("POST", "/v1/chat/completions").isObject()).isTrue();
    }

    @Test
    void everyOperationHasAnIdASummaryATagAndTheErrorAnswers() {
        Set<String> ids = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(method -> {
                    String where = method.getKey() + " " + path.getKey();
                    JsonNode operation = method.getValue();
                    String id = operation.path("operationId").stringValue("");
                    assertThat(id).as("the operationId of %s", where).matches(OPERATION_ID);
                    if (!ids.add(id)) {
                        duplicates.add(id);
                    }
                    assertThat(operation.path("summary").stringValue(""))
                            .as("the summary of %s", where)
                            .isNotBlank();
                    assertThat(operation.path("tags"))
                            .as("the tags of %s", where)
                            .isNotEmpty();
                    assertThat(operation.at("/responses/default/$ref").stringValue(""))
                            .as("the error answer of %s", where)
                            .isEqualTo("#/components/responses/Error");
                    assertThat(operation.at("/responses/401/$ref").stringValue(""))
                            .isEqualTo("#/components/responses/Unauthorized");
                    if (path.getKey().startsWith("/v1/")) {
                        assertThat(operation.path("parameters").toString())
                                .as("the identity headers of %s", where)
                                .contains("#/components/parameters/XUserId", "#/components/parameters/XProjectId");
                    }
                }));
        assertThat(duplicates).as("operationIds used twice").isEmpty();
    }

    @Test
    void theKeysAreBearerKeysOfThreeKinds() {
        JsonNode scheme = document.at("/components/securitySchemes/bearerKey");
        assertThat(scheme.path("type").stringValue()).isEqualTo("http");
        assertThat(scheme.path("scheme").stringValue()).isEqualTo("bearer");
        assertThat(scheme.path("description").stringValue())
                .contains("Authorization: Bearer", "gwp_", "gws_", "gwa_", "X-User-Id", "X-Project-Id");
        assertThat(document.at("/security/0").has("bearerKey")).isTrue();
        assertThat(document.at("/components/parameters/XUserId/name").stringValue())
                .isEqualTo("X-User-Id");
        assertThat(document.at("/components/parameters/XProjectId/name").stringValue())
                .isEqualTo("X-Project-Id");
    }

    @Test
    void failuresAreOpenAisErrorBody() {
        assertThat(document.at("/components/schemas/ErrorResponse/properties/error/$ref")
                        .stringValue())
                .isEqualTo("#/components/schemas/Error");
        JsonNode error = document.at("/components/schemas/Error");
        assertThat(error.path("properties").propertyNames())
                .containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.path("required").toString()).contains("message", "type", "param", "code");
        assertThat(document.at("/components/responses/Error/content/application~1json/schema/$ref")
                        .stringValue())
                .isEqualTo("#/components/schemas/ErrorResponse");
        // and it is what the gateway answers
        JsonNode refusal = TestJson.mapper()
                .readTree(gateway.client()
                        .get()
                        .uri("/v1/models")
                        .exchange()
                        .expectStatus()
                        .isUnauthorized()
                        .expectBody(byte[].class)
                        .returnResult()
                        .getResponseBody());
        assertThat(refusal.path("error").propertyNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    }

    @Test
    void theChatRequestNamesModelAndMessagesAndTheAnswerIsJsonOrEvents() {
        JsonNode chat = operation("POST", "/v1/chat/completions");
        String ref =
                chat.at("/requestBody/content/application~1json/schema/$ref").stringValue("");
        assertThat(ref).startsWith("#/components/schemas/");
        JsonNode request = document.at("/components/schemas/" + ref.substring("#/components/schemas/".length()));
        assertThat(request.path("properties").has("model")).isTrue();
        assertThat(request.path("properties").has("messages")).isTrue();
        assertThat(request.path("required").toString()).contains("\"model\"", "\"messages\"");
        assertThat(request.at("/properties/rag_params/$ref").stringValue()).isEqualTo("#/components/schemas/RagParams");
        assertThat(chat.at("/responses/200/content").propertyNames())
                .containsExactlyInAnyOrder("application/json", "text/event-stream");
    }

    @Test
    void everySchemaItRefersToIsInIt() {
        Set<String> missing = new TreeSet<>();
        Matcher refs = SCHEMA_REF.matcher(document.toString());
        while (refs.find()) {
            if (!document.at("/components/schemas").has(refs.group(1))) {
                missing.add(refs.group(1));
            }
        }
        assertThat(missing).as("schemas referred to but missing").isEmpty();
    }

    /** A Spring path pattern as OpenAPI writes it: {@code {*id}} and {@code {id:regex}} are {@code {id}}. */
    private static String openApiPath(String pattern) {
        return pattern.replaceAll("\\{\\*?([^}:]+)(:[^}]*)?}", "{$1}");
    }

    /** The paths of a router's routes, as their predicates print them, under the paths of their nests. */
    private record RoutePaths(Set<String> paths, Deque<String> nests) implements RouterFunctions.Visitor {

        private static final Pattern PATH = Pattern.compile("/[^\\s()&|!]*");

        RoutePaths(Set<String> paths) {
            this(paths, new ArrayDeque<>());
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            Matcher path = PATH.matcher(predicate.toString());
            while (path.find()) {
                paths.add(openApiPath(String.join("", nests) + path.group()));
            }
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            Matcher path = PATH.matcher(predicate.toString());
            nests.addLast(path.find() ? path.group() : "");
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            nests.removeLast();
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {}

        @Override
        public void attributes(Map<String, Object> attributes) {}

        @Override
        public void unknown(RouterFunction<?> routes) {}
    }
}
