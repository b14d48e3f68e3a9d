package io.llmgateway.app.retrieval;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.rag.index.Retriever;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Retrieval over real HTTP: project isolation, failed ingestion, the upload limit, {@code rag_params} through a
 * fake upstream for each way a profile takes passages, the usage record, and two replicas on one database.
 */
class RetrievalIT {

    private static final String UPSTREAM_MODEL = "up-model";
    private static final String LAPTOP_QUESTION = "How quickly must I report a lost laptop?";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static RetrievalApi projectA;
    private static RetrievalApi projectB;
    private static String keyA;
    private static String handbook;
    private static String security;
    private static String policies;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = GatewayInstance.start(properties());
        gateway.admin().project("a", null);
        gateway.admin().project("b", null);
        keyA = gateway.admin().serviceKey("a").path("key").stringValue();
        projectA = new RetrievalApi(gateway.client(keyA)
                .mutate()
                .defaultHeader("X-User-Id", "alice")
                .build());
        projectB = new RetrievalApi(
                gateway.client(gateway.admin().serviceKey("b").path("key").stringValue())
                        .mutate()
                        .defaultHeader("X-User-Id", "bob")
                        .build());
        handbook = projectA.upload("handbook.txt", TestDocuments.text(TestDocuments.HANDBOOK));
        security = projectA.upload("security.pdf", TestDocuments.pdf(TestDocuments.SECURITY_LINES));
        policies = projectA.store("policies", List.of(handbook, security));
        assertThat(projectA.awaitIngested(policies, handbook).path("status").stringValue())
                .isEqualTo("completed");
        assertThat(projectA.awaitIngested(policies, security).path("status").stringValue())
                .isEqualTo("completed");
    }

    private static Map<String, String> properties() {
        return Map.ofEntries(
                Map.entry("gateway.retrieval.max-file-size", "64KB"),
                Map.entry("gateway.deployments.up.type", "openai"),
                Map.entry("gateway.deployments.up.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.up.api-key", "sk-upstream"),
                Map.entry("gateway.deployments.up.upstream-model", UPSTREAM_MODEL),
                Map.entry("gateway.models[0].id", "gpt-rag"),
                Map.entry("gateway.models[0].deployment", "up"),
                Map.entry("gateway.models[1].id", "phi-rag"),
                Map.entry("gateway.models[1].deployment", "up"),
                Map.entry("gateway.models[1].profile", "nim-phi"),
                Map.entry("gateway.models[2].id", "mock-echo"),
                Map.entry("gateway.models[2].deployment", "mock"),
                Map.entry("gateway.models[3].id", "tiny-rag"),
                Map.entry("gateway.models[3].deployment", "up"),
                Map.entry("gateway.models[3].context-length", "80"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    // ---- isolation --------------------------------------------------------------------------------------

    @Test
    void aBadVectorStoreBodyIsA400NamingTheFieldAtFault() {
        String store = projectA.store("bodies", List.of());
        String files = "/v1/vector_stores/" + store + "/files";
        String search = "/v1/vector_stores/" + store + "/search";
        String[][] cases = {
            {"/v1/vector_stores", "{\"name\":5}", "name", "'name' must be a string of at most 256 characters."},
            {
                "/v1/vector_stores",
                "{\"file_ids\":\"f\"}",
                "file_ids",
                "'file_ids' must be a list of at most 500 file ids."
            },
            {
                "/v1/vector_stores",
                "{\"metadata\":{\"k\":1}}",
                "metadata.k",
                "'metadata.k' must be a string of at most 512 characters."
            },
            {
                "/v1/vector_stores",
                "{\"chunking_strategy\":{\"type\":\"x\"}}",
                "chunking_strategy.type",
                "'chunking_strategy.type' must be 'auto' or 'static'."
            },
            {"/v1/vector_stores", "{\"nme\":\"x\"}", "nme", "Unrecognized request argument supplied: nme."},
            {"/v1/vector_stores", "[1]", null, "The request body must be a JSON object."},
            {
                "/v1/vector_stores/" + store,
                "{\"expires_after\":{\"anchor\":\"last_active_at\",\"days\":1,\"x\":1}}",
                "expires_after.x",
                "Unknown field 'expires_after.x'; allowed: anchor, days."
            },
            {"/v1/vector_stores/" + store, "{\"name\":[]}", "name", "'name' must be a string of at most 256 characters."
            },
            {files, "{}", "file_id", "Missing required parameter: 'file_id'."},
            {files, "", "file_id", "Missing required parameter: 'file_id'."},
            {
                files,
                "{\"file_id\":\"file-x\",\"attributes\":{\"a\":[1]}}",
                "attributes.a",
                "'attributes.a' must be a string of at most 512 characters, a number or a boolean."
            },
            {files + "/file-x", "{}", "attributes", "Missing required parameter: 'attributes'."},
            {search, "null", "query", "'query' must be a non-empty string or a list of at most 20 strings."},
            {
                search,
                "{\"query\":\"q\",\"max_num_results\":51}",
                "max_num_results",
                "'max_num_results' must be an integer between 1 and 50."
            },
            {
                search,
                "{\"query\":\"q\",\"rewrite_query\":true}",
                "rewrite_query",
                "'rewrite_query' is not supported: the gateway searches the query as given; send false."
            },
            {
                search,
                "{\"query\":\"q\",\"ranking_options\":{\"score_threshold\":2}}",
                "ranking_options.score_threshold",
                "'ranking_options.score_threshold' must be a number between 0 and 1."
            }
        };
        for (String[] bad : cases) {
            JsonNode error = RetrievalApi.json(
                            projectA.post(bad[0], bad[1]).expectStatus().isBadRequest())
                    .path("error");
            assertThat(error.path("message").stringValue())
                    .as(bad[0] + " " + bad[1])
                    .isEqualTo(bad[3]);
            assertThat(error.path("param").isString() ? error.path("param").stringValue() : null)
                    .as(bad[0] + " " + bad[1])
                    .isEqualTo(bad[2]);
        }
        // no body, or null, is an empty object: a store without a name
        assertThat(RetrievalApi.json(projectA.post("/v1/vector_stores", "")
                                .expectStatus()
                                .isOk())
                        .path("name")
                        .isString())
                .isFalse();
        assertThat(RetrievalApi.json(projectA.post("/v1/vector_stores", "null")
                                .expectStatus()
                                .isOk())
                        .path("object")
                        .stringValue())
                .isEqualTo("vector_store");
        // a change leaves what it does not name: the name stays when only the metadata changes
        projectA.post("/v1/vector_stores/" + store, Map.of("metadata", Map.of("k", "v")))
                .expectStatus()
                .isOk();
        JsonNode changed = RetrievalApi.json(
                projectA.get("/v1/vector_stores/" + store).expectStatus().isOk());
        assertThat(changed.path("name").stringValue()).isEqualTo("bodies");
        assertThat(changed.path("metadata").path("k").stringValue()).isEqualTo("v");
    }

    @Test
    void aProjectNotAllowedTheEmbeddingModelMayUploadButNotAttachSearchOrRetrieve() {
        gateway.admin().project("chat-only", List.of("mock-echo"));
        RetrievalApi chatOnly = new RetrievalApi(gateway.client(
                        gateway.admin().serviceKey("chat-only").path("key").stringValue())
                .mutate()
                .defaultHeader("X-User-Id", "carol")
                .build());
        String file = chatOnly.upload("notes.txt", TestDocuments.text(TestDocuments.CAFETERIA));
        String store = chatOnly.store("empty", List.of());

        chatOnly.post("/v1/vector_stores/" + store + "/files", Map.of("file_id", file))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_allowed")
                .jsonPath("$.error.param")
                .isEqualTo("file_id");
        chatOnly.post("/v1/vector_stores", Map.of("name", "x", "file_ids", List.of(file)))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("file_ids");
        chatOnly.post("/v1/vector_stores/" + store + "/search", Map.of("query", "lunch"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("query");
        chatOnly.post(
                        "/v1/chat/completions",
                        Map.of(
                                "model",
                                "mock-echo",
                                "messages",
                                List.of(Map.of("role", "user", "content", "lunch?")),
                                "rag_params",
                                Map.of("vector_store_ids", List.of(store))))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("rag_params")
                .jsonPath("$.error.message")
                .value(message -> assertThat((String) message).contains("all-minilm-l6-v2"));
    }

    @Test
    void anotherProjectCannotReadSearchOrAttachTheStoresAndFiles() {
        projectB.get("/v1/files/" + handbook)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("not_found_error");
        projectB.get("/v1/vector_stores/" + policies).expectStatus().isNotFound();
        projectB.get("/v1/vector_stores/" + policies + "/files").expectStatus().isNotFound();
        projectB.get("/v1/vector_stores/" + policies + "/files/" + handbook)
                .expectStatus()
                .isNotFound();
        projectB.post("/v1/vector_stores/" + policies + "/search", Map.of("query", "laptop"))
                .expectStatus()
                .isNotFound();
        projectB.delete("/v1/files/" + handbook).expectStatus().isNotFound();
        projectB.delete("/v1/vector_stores/" + policies).expectStatus().isNotFound();
        projectB.post("/v1/vector_stores/" + policies, Map.of("name", "taken"))
                .expectStatus()
                .isNotFound();
        // B's own store cannot take A's file, and A's store cannot take B's file
        String own = projectB.store("b-store", List.of());
        projectB.post("/v1/vector_stores/" + own + "/files", Map.of("file_id", handbook))
                .expectStatus()
                .isNotFound();
        projectB.post("/v1/vector_stores", Map.of("name", "x", "file_ids", List.of(security)))
                .expectStatus()
                .isNotFound();
        String bFile = projectB.upload("b.txt", TestDocuments.text(TestDocuments.CAFETERIA));
        projectB.post("/v1/vector_stores/" + policies + "/files", Map.of("file_id", bFile))
                .expectStatus()
                .isNotFound();
        // nor list them
        assertThat(RetrievalApi.json(projectB.get("/v1/files").expectStatus().isOk())
                        .path("data")
                        .findValuesAsString("id"))
                .contains(bFile)
                .doesNotContain(handbook, security);
        assertThat(RetrievalApi.json(
                                projectB.get("/v1/vector_stores").expectStatus().isOk())
                        .path("data")
                        .findValuesAsString("id"))
                .contains(own)
                .doesNotContain(policies);
        // nor use them in a chat completion
        chat(
                        projectB.client(),
                        Map.of(
                                "model",
                                "gpt-rag",
                                "messages",
                                List.of(user(LAPTOP_QUESTION)),
                                "rag_params",
                                Map.of("vector_store_ids", List.of(policies))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("rag_params.vector_store_ids");
        assertThat(upstream.requests()).isEmpty();
        // and A still has everything
        projectA.get("/v1/files/" + handbook).expectStatus().isOk();
    }

    @Test
    void listsPageNewestFirstWithCursors() {
        gateway.admin().project("c", null);
        RetrievalApi projectC = new RetrievalApi(
                gateway.client(gateway.admin().serviceKey("c").path("key").stringValue())
                        .mutate()
                        .defaultHeader("X-User-Id", "carol")
                        .build());
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(projectC.store("store " + i, List.of()));
            RetrievalApi.pause(5); // ids order by creation time in milliseconds
        }
        JsonNode first = RetrievalApi.json(
                projectC.get("/v1/vector_stores?limit=2").expectStatus().isOk());
        assertThat(first.path("data").findValuesAsString("id")).containsExactly(created.get(2), created.get(1));
        assertThat(first.path("has_more").booleanValue()).isTrue();
        JsonNode second = RetrievalApi.json(projectC.get("/v1/vector_stores?limit=2&after="
                        + first.path("last_id").stringValue())
                .expectStatus()
                .isOk());
        assertThat(second.path("data").findValuesAsString("id")).containsExactly(created.get(0));
        assertThat(second.path("has_more").booleanValue()).isFalse();
        JsonNode ascending = RetrievalApi.json(
                projectC.get("/v1/vector_stores?order=asc").expectStatus().isOk());
        assertThat(ascending.path("data").findValuesAsString("id")).containsExactlyElementsOf(created);
        projectC.get("/v1/vector_stores?limit=101")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("limit");
        JsonNode store = RetrievalApi.json(projectC.get("/v1/vector_stores/" + created.get(0))
                .expectStatus()
                .isOk());
        assertThat(store.path("object").stringValue()).isEqualTo("vector_store");
        assertThat(store.path("file_counts").path("total").intValue()).isZero();
        assertThat(store.path("metadata").isObject()).isTrue();
    }

    @Test
    void aStoreExpiresAfterItsDaysWithoutActivityAndASearchIsActivity() {
        JsonNode created = RetrievalApi.json(projectA.post(
                        "/v1/vector_stores",
                        Map.of(
                                "name",
                                "expiring",
                                "file_ids",
                                List.of(handbook),
                                "expires_after",
                                Map.of("anchor", "last_active_at", "days", 2)))
                .expectStatus()
                .isOk());
        String store = created.path("id").stringValue();
        assertThat(created.path("expires_after").path("anchor").stringValue()).isEqualTo("last_active_at");
        assertThat(created.path("expires_after").path("days").intValue()).isEqualTo(2);
        assertThat(created.path("expires_at").longValue())
                .isEqualTo(created.path("last_active_at").longValue() + 2 * 86_400);
        projectA.awaitIngested(store, handbook);

        // an hour without activity, then a search: the search is activity
        gateway.database()
                .execute("UPDATE vector_stores SET last_active_at = now() - interval '1 hour'" + " WHERE id = '" + store
                        + "'");
        long idle = storeJson(store).path("last_active_at").longValue();
        projectA.search(store, Map.of("query", "How do I file an expense?"));
        assertThat(storeJson(store).path("last_active_at").longValue()).isGreaterThanOrEqualTo(idle + 3_500);

        // three days without activity: expired, kept, and no longer searched
        gateway.database()
                .execute("UPDATE vector_stores SET last_active_at = now() - interval '3 days'" + " WHERE id = '" + store
                        + "'");
        assertThat(storeJson(store).path("status").stringValue()).isEqualTo("expired");
        projectA.post("/v1/vector_stores/" + store + "/search", Map.of("query", "expenses"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.message")
                .value(message -> assertThat((String) message).contains("has expired"));
        chat(
                        projectA.client(),
                        Map.of(
                                "model",
                                "gpt-rag",
                                "messages",
                                List.of(user(LAPTOP_QUESTION)),
                                "rag_params",
                                Map.of("vector_store_ids", List.of(store))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("rag_params.vector_store_ids");
        assertThat(upstream.requests()).isEmpty();

        // without its expiry it is a store like the others again
        JsonNode renewed = RetrievalApi.json(
                projectA.post("/v1/vector_stores/" + store, Collections.singletonMap("expires_after", null))
                        .expectStatus()
                        .isOk());
        assertThat(renewed.path("status").stringValue()).isEqualTo("completed");
        assertThat(renewed.path("expires_at").isNull()).isTrue();
        assertThat(projectA.search(store, Map.of("query", "How do I file an expense?"))
                        .path("data")
                        .size())
                .isPositive();

        projectA.post("/v1/vector_stores", Map.of("expires_after", Map.of("anchor", "last_active_at", "days", 0)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("expires_after.days");
        projectA.post("/v1/vector_stores", Map.of("expires_after", Map.of("anchor", "created_at", "days", 3)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("expires_after.anchor");
    }

    private static JsonNode storeJson(String store) {
        return RetrievalApi.json(
                projectA.get("/v1/vector_stores/" + store).expectStatus().isOk());
    }

    // ---- ingestion failures and limits -------------------------------------------------------------------

    @Test
    void aCorruptPdfAndAnUnsupportedFileEndFailedWithAClearError() {
        String corrupt = projectA.upload("broken.pdf", TestDocuments.corruptPdf());
        String binary = projectA.upload("data.bin", new byte[] {1, 2, 3, 4});
        String store = projectA.store("broken", List.of(corrupt, binary));

        JsonNode pdf = projectA.awaitIngested(store, corrupt);
        assertThat(pdf.path("status").stringValue()).isEqualTo("failed");
        assertThat(pdf.path("last_error").path("code").stringValue()).isEqualTo("invalid_file");
        assertThat(pdf.path("last_error").path("message").stringValue()).isNotBlank();
        JsonNode bin = projectA.awaitIngested(store, binary);
        assertThat(bin.path("status").stringValue()).isEqualTo("failed");
        assertThat(bin.path("last_error").path("code").stringValue()).isEqualTo("unsupported_file");
        assertThat(bin.path("last_error").path("message").stringValue()).contains(".bin");

        JsonNode counts = RetrievalApi.json(
                projectA.get("/v1/vector_stores/" + store).expectStatus().isOk());
        assertThat(counts.path("file_counts").path("failed").intValue()).isEqualTo(2);
        assertThat(counts.path("file_counts").path("in_progress").intValue()).isZero();
        assertThat(counts.path("status").stringValue()).isEqualTo("completed");
        assertThat(gateway.database()
                        .query("SELECT count(*) AS n FROM chunks WHERE vector_store_id = ?", store)
                        .get(0)
                        .get("n"))
                .isEqualTo(0L);
    }

    @Test
    void anOversizedUploadIs413AndOtherPurposesAre400() {
        byte[] big = new byte[100 * 1024];
        Arrays.fill(big, (byte) 'a');
        projectA.upload("big.txt", big, "assistants")
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("request_too_large");
        projectA.upload("small.txt", TestDocuments.text("hello"), "fine-tune")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("purpose");
        assertThat(RetrievalApi.json(projectA.get("/v1/files").expectStatus().isOk())
                        .path("data")
                        .findValuesAsString("filename"))
                .doesNotContain("big.txt", "small.txt");
    }

    // ---- search -------------------------------------------------------------------------------------------

    @Test
    void searchFindsTheRightFileAndFiltersOnAttributes() {
        JsonNode page = projectA.search(policies, Map.of("query", LAPTOP_QUESTION, "max_num_results", 2));
        assertThat(page.path("object").stringValue()).isEqualTo("vector_store.search_results.page");
        assertThat(page.path("data").get(0).path("file_id").stringValue()).isEqualTo(security);
        assertThat(page.path("data").get(0).path("content").get(0).path("text").stringValue())
                .contains("24 hours");
        assertThat(page.path("data").size()).isLessThanOrEqualTo(2);

        String finance = projectA.upload("finance.txt", TestDocuments.text(TestDocuments.HANDBOOK));
        String it = projectA.upload("it.txt", TestDocuments.text(TestDocuments.HANDBOOK));
        String store = projectA.store("teams", List.of());
        projectA.attach(store, finance, Map.of("team", "finance", "year", 2024));
        projectA.attach(store, it, Map.of("team", "it", "year", 2023));
        projectA.awaitIngested(store, finance);
        projectA.awaitIngested(store, it);
        JsonNode filtered = projectA.search(
                store,
                Map.of("query", "business class", "filters", Map.of("type", "eq", "key", "team", "value", "finance")));
        assertThat(filtered.path("data").findValuesAsString("file_id")).containsOnly(finance);
        JsonNode attributes = filtered.path("data").get(0).path("attributes");
        assertThat(attributes.path("year").isIntegralNumber())
                .as("a whole number comes back whole")
                .isTrue();
        assertThat(attributes.path("year").intValue()).isEqualTo(2024);
        JsonNode membership = projectA.search(
                store,
                Map.of(
                        "query",
                        "business class",
                        "filters",
                        Map.of("type", "in", "key", "year", "value", List.of(2023, 2022))));
        assertThat(membership.path("data").findValuesAsString("file_id")).containsOnly(it);
        chat(
                        projectA.client(),
                        Map.of(
                                "model",
                                "mock-echo",
                                "messages",
                                List.of(user("business class")),
                                "rag_params",
                                Map.of(
                                        "vector_store_ids",
                                        List.of(store),
                                        "filters",
                                        Map.of("type", "nin", "key", "team", "value", List.of("it")))))
                .expectStatus()
                .isOk();
        JsonNode compound = projectA.search(
                store,
                Map.of(
                        "query",
                        "business class",
                        "filters",
                        Map.of(
                                "type",
                                "and",
                                "filters",
                                List.of(
                                        Map.of("type", "gte", "key", "year", "value", 2023),
                                        Map.of("type", "ne", "key", "team", "value", "finance")))));
        assertThat(compound.path("data").findValuesAsString("file_id")).containsOnly(it);
        // new attributes apply to the chunks at once
        JsonNode updated = RetrievalApi.json(projectA.post(
                        "/v1/vector_stores/" + store + "/files/" + finance,
                        Map.of("attributes", Map.of("team", "it", "year", 2025)))
                .expectStatus()
                .isOk());
        assertThat(updated.path("attributes").path("team").stringValue()).isEqualTo("it");
        assertThat(projectA.search(
                                store,
                                Map.of(
                                        "query",
                                        "business class",
                                        "filters",
                                        Map.of("type", "eq", "key", "team", "value", "it")))
                        .path("data")
                        .findValuesAsString("file_id"))
                .contains(finance, it);
        assertThat(projectA.search(
                                store,
                                Map.of(
                                        "query",
                                        "business class",
                                        "filters",
                                        Map.of("type", "eq", "key", "team", "value", "finance")))
                        .path("data")
                        .size())
                .isZero();
        projectA.post(
                        "/v1/vector_stores/" + store + "/search",
                        Map.of("query", "x", "filters", Map.of("type", "like", "key", "team", "value", "x")))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("filters.type");
        projectA.post("/v1/vector_stores/" + store + "/search", Map.of("query", "x", "max_num_results", 51))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("max_num_results");
    }

    // ---- rag_params -----------------------------------------------------------------------------------------

    @Test
    void theDefaultProfileGetsThePassagesInASystemMessageAndTheSourcesComeBack() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion(UPSTREAM_MODEL, "Within 24 hours.", 50, 4)));
        WebTestClient.ResponseSpec response = chat(
                projectA.client(),
                Map.of(
                        "model",
                        "gpt-rag",
                        "messages",
                        List.of(
                                Map.of("role", "system", "content", "You are the policy assistant."),
                                user(LAPTOP_QUESTION)),
                        "rag_params",
                        Map.of("vector_store_ids", List.of(policies), "max_num_results", 2, "include_sources", true)));
        EntityExchangeResult<byte[]> result =
                response.expectStatus().isOk().expectBody(byte[].class).returnResult();
        String requestId = result.getResponseHeaders().getFirst("x-request-id");
        JsonNode answer = TestJson.mapper().readTree(result.getResponseBody());

        JsonNode sent = TestJson.mapper().readTree(upstream.lastRequest().body());
        assertThat(sent.has("rag_params")).isFalse();
        JsonNode messages = sent.path("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.get(0).path("content").stringValue()).isEqualTo("You are the policy assistant.");
        assertThat(messages.get(1).path("role").stringValue()).isEqualTo("system");
        assertThat(messages.get(1).path("content").stringValue())
                .contains("[1] security.pdf")
                .contains("24 hours");
        assertThat(messages.get(2).path("role").stringValue()).isEqualTo("user");

        JsonNode sources = answer.path("rag").path("sources");
        assertThat(sources.size()).isBetween(1, 2);
        assertThat(sources.get(0).path("vector_store_id").stringValue()).isEqualTo(policies);
        assertThat(sources.get(0).path("file_id").stringValue()).isEqualTo(security);
        assertThat(sources.get(0).path("filename").stringValue()).isEqualTo("security.pdf");
        assertThat(sources.get(0).path("chunk_index").intValue()).isZero();
        assertThat(sources.get(0).path("score").doubleValue()).isBetween(0.0, 1.0);
        assertThat(sources.get(0).path("text").stringValue()).contains("24 hours");
        assertThat(answer.path("choices").get(0).path("message").path("content").stringValue())
                .isEqualTo("Within 24 hours.");

        Map<String, Object> record = new Ledger(gateway.database()).record(requestId);
        assertThat(record).containsEntry("retrieval", true).containsEntry("model", "gpt-rag");
    }

    @Test
    void thePromptTokensCountTheInjectedPassages() {
        String noUsage = """
                {"id":"chatcmpl-x","object":"chat.completion","created":1700000000,"model":"up-model",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""";
        upstream.enqueue(Reply.json(200, noUsage), Reply.json(200, noUsage));
        String plain = chat(projectA.client(), Map.of("model", "gpt-rag", "messages", List.of(user(LAPTOP_QUESTION))))
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseHeaders()
                .getFirst("x-request-id");
        String augmented = chat(
                        projectA.client(),
                        Map.of(
                                "model",
                                "gpt-rag",
                                "messages",
                                List.of(user(LAPTOP_QUESTION)),
                                "rag_params",
                                Map.of("vector_store_ids", List.of(policies))))
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseHeaders()
                .getFirst("x-request-id");
        Ledger ledger = new Ledger(gateway.database());
        Map<String, Object> withoutRag = ledger.record(plain);
        Map<String, Object> withRag = ledger.record(augmented);
        assertThat(withoutRag).containsEntry("retrieval", false).containsEntry("token_source", "tokenizer");
        assertThat(withRag).containsEntry("retrieval", true).containsEntry("token_source", "tokenizer");
        // the passages (a system message holding both files' chunks) are counted
        assertThat((Integer) withRag.get("prompt_tokens"))
                .isGreaterThan((Integer) withoutRag.get("prompt_tokens") + 40);
    }

    @Test
    void nimPhiGetsAContextMessageRightBeforeTheLastUserMessage() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion(UPSTREAM_MODEL, "Within 24 hours.", 50, 4)));
        chat(
                        projectA.client(),
                        Map.of(
                                "model",
                                "phi-rag",
                                "messages",
                                List.of(
                                        Map.of("role", "system", "content", "Be brief."),
                                        user("Hello"),
                                        Map.of("role", "assistant", "content", "Hi! How can I help?"),
                                        user(LAPTOP_QUESTION)),
                                "rag_params",
                                Map.of("vector_store_ids", List.of(policies), "max_num_results", 1)))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.rag")
                .doesNotExist();

        JsonNode messages =
                TestJson.mapper().readTree(upstream.lastRequest().body()).path("messages");
        List<String> roles = new ArrayList<>();
        messages.forEach(message -> roles.add(message.path("role").stringValue()));
        assertThat(roles).containsExactly("system", "user", "assistant", "context", "user");
        assertThat(messages.get(3).path("content").stringValue())
                .contains("security.pdf")
                .contains("24 hours");
        assertThat(messages.get(4).path("content").stringValue()).isEqualTo(LAPTOP_QUESTION);
    }

    @Test
    void aStreamCarriesTheSourcesOnItsFirstChunk() {
        upstream.enqueue(Reply.sse(
                Duration.ZERO, OpenAiFixtures.stream(UPSTREAM_MODEL, List.of("Within", " 24", " hours."), true)));
        byte[] body = chat(
                        projectA.client(),
                        Map.of(
                                "model",
                                "gpt-rag",
                                "stream",
                                true,
                                "messages",
                                List.of(user(LAPTOP_QUESTION)),
                                "rag_params",
                                Map.of("vector_store_ids", List.of(policies), "include_sources", true)))
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : new String(body, StandardCharsets.UTF_8).split("\n\n")) {
            if (event.startsWith("data: {")) {
                chunks.add(TestJson.mapper().readTree(event.substring("data: ".length())));
            }
        }
        assertThat(chunks).hasSizeGreaterThan(2);
        assertThat(chunks.get(0)
                        .path("rag")
                        .path("sources")
                        .get(0)
                        .path("file_id")
                        .stringValue())
                .isEqualTo(security);
        assertThat(chunks.subList(1, chunks.size()))
                .allSatisfy(chunk -> assertThat(chunk.has("rag")).isFalse());
        assertThat(TestJson.mapper()
                        .readTree(upstream.lastRequest().body())
                        .path("messages")
                        .get(0)
                        .path("role")
                        .stringValue())
                .isEqualTo("system");
    }

    @Test
    void badRagParamsAre400NamingTheField() {
        List<String> nine = List.of("vs_1", "vs_2", "vs_3", "vs_4", "vs_5", "vs_6", "vs_7", "vs_8", "vs_9");
        expectBadRag(Map.of("vector_store_ids", nine), "rag_params.vector_store_ids");
        expectBadRag(Map.of("vector_store_ids", List.of()), "rag_params.vector_store_ids");
        expectBadRag(Map.of("vector_store_ids", List.of("vs_unknown")), "rag_params.vector_store_ids");
        expectBadRag(
                Map.of("vector_store_ids", List.of(policies), "max_num_results", 21), "rag_params.max_num_results");
        expectBadRag(
                Map.of("vector_store_ids", List.of(policies), "score_threshold", 1.5), "rag_params.score_threshold");
        expectBadRag(
                Map.of("vector_store_ids", List.of(policies), "filters", Map.of("type", "eq", "key", "team")),
                "rag_params.filters.value");
        expectBadRag(Map.of("vector_store_ids", List.of(policies), "top_k", 3), "rag_params.top_k");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void passagesThatOverflowTheContextLengthAre400NotAnUpstreamError() {
        // the question and max_tokens fit in 80 tokens; with the passages they do not
        chat(
                        projectA.client(),
                        Map.of(
                                "model",
                                "tiny-rag",
                                "messages",
                                List.of(user(LAPTOP_QUESTION)),
                                "max_tokens",
                                20,
                                "rag_params",
                                Map.of("vector_store_ids", List.of(policies))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("rag_params.max_num_results")
                .jsonPath("$.error.message")
                .value(message -> assertThat((String) message).contains("context length of 80"));
        assertThat(upstream.requests()).isEmpty();
    }

    private void expectBadRag(Map<String, Object> rag, String param) {
        chat(
                        projectA.client(),
                        Map.of("model", "gpt-rag", "messages", List.of(user(LAPTOP_QUESTION)), "rag_params", rag))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo(param);
    }

    // ---- embeddings ---------------------------------------------------------------------------------------

    @Test
    void embeddingsAsFloatsOrBase64WithAUsageRecord() {
        EntityExchangeResult<byte[]> floats = projectA.post(
                        "/v1/embeddings", Map.of("model", "all-minilm-l6-v2", "input", "Lost laptops"))
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult();
        JsonNode plain = TestJson.mapper().readTree(floats.getResponseBody());
        assertThat(plain.path("object").stringValue()).isEqualTo("list");
        assertThat(plain.path("data").get(0).path("object").stringValue()).isEqualTo("embedding");
        JsonNode vector = plain.path("data").get(0).path("embedding");
        assertThat(vector.size()).isEqualTo(384);
        assertThat(plain.path("usage").path("prompt_tokens").intValue()).isPositive();
        assertThat(plain.path("usage").path("total_tokens").intValue())
                .isEqualTo(plain.path("usage").path("prompt_tokens").intValue());

        JsonNode base64 = RetrievalApi.json(projectA.post(
                        "/v1/embeddings",
                        Map.of(
                                "model",
                                "all-minilm-l6-v2",
                                "input",
                                List.of("Lost laptops"),
                                "encoding_format",
                                "base64"))
                .expectStatus()
                .isOk());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(base64.path("data").get(0).path("embedding").stringValue()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(384 * 4);
        for (int i = 0; i < 384; i++) {
            assertThat((double) bytes.getFloat()).isCloseTo(vector.get(i).doubleValue(), Offset.offset(1e-6));
        }

        projectA.post("/v1/embeddings", Map.of("model", "text-embedding-3-small", "input", "x"))
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_found");
        projectA.post("/v1/embeddings", Map.of("model", "all-minilm-l6-v2", "input", List.of("a", "")))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("input[1]");
        projectA.post("/v1/embeddings", Map.of("model", "all-minilm-l6-v2", "input", "x", "encoding_format", "int8"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("encoding_format");

        Map<String, Object> record = new Ledger(gateway.database())
                .record(floats.getResponseHeaders().getFirst("x-request-id"));
        assertThat(record)
                .containsEntry("model", "all-minilm-l6-v2")
                .containsEntry("project_id", "a")
                .containsEntry("status", "ok")
                .containsEntry(
                        "prompt_tokens",
                        plain.path("usage").path("prompt_tokens").intValue());
    }

    // ---- replicas -----------------------------------------------------------------------------------------

    @Test
    void aDeletionReachesTheOtherReplicaAndARestartedReplicaServesTheSameResults() {
        String file = projectA.upload("replicas.txt", TestDocuments.text(TestDocuments.CAFETERIA));
        String store = projectA.store("replicas", List.of(file, handbook));
        projectA.awaitIngested(store, file);
        projectA.awaitIngested(store, handbook);
        JsonNode before = projectA.search(store, Map.of("query", "When is vegetarian lunch served?"));
        assertThat(before.path("data").get(0).path("file_id").stringValue()).isEqualTo(file);

        GatewayInstance second = GatewayInstance.start(properties(), gateway.database());
        try {
            Retriever index = second.bean(Retriever.class);
            // built from the database before the second replica served anything
            long chunks = gateway.bean(Retriever.class).countChunks(store);
            assertThat(chunks).isPositive();
            assertThat(index.countChunks(store)).isEqualTo(chunks);
            RetrievalApi onSecond = new RetrievalApi(second.client(keyA)
                    .mutate()
                    .defaultHeader("X-User-Id", "alice")
                    .build());
            JsonNode same = onSecond.search(store, Map.of("query", "When is vegetarian lunch served?"));
            assertThat(same.path("data").findValuesAsString("file_id"))
                    .isEqualTo(before.path("data").findValuesAsString("file_id"));
            assertThat(same.path("data").get(0).path("score").doubleValue())
                    .isCloseTo(before.path("data").get(0).path("score").doubleValue(), Offset.offset(1e-6));

            // deleted through the first replica: gone from the second's index by notification, without a search
            projectA.delete("/v1/vector_stores/" + store + "/files/" + file)
                    .expectStatus()
                    .isOk();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            long countOnSecond = chunks;
            while (System.nanoTime() < deadline) {
                countOnSecond = index.countChunks(store);
                if (countOnSecond < chunks) {
                    break;
                }
                RetrievalApi.pause(20);
            }
            assertThat(countOnSecond).as("chunks on the second replica").isLessThan(chunks);
            JsonNode after = onSecond.search(store, Map.of("query", "When is vegetarian lunch served?"));
            assertThat(after.path("data").findValuesAsString("file_id"))
                    .doesNotContain(file)
                    .contains(handbook);
        } finally {
            second.close();
        }

        // a crash in the middle of an ingestion: the attachment is left in progress without chunks (as the one
        // transaction that writes chunks and status never committed)
        String interrupted = projectA.upload("interrupted.txt", TestDocuments.text(TestDocuments.CAFETERIA));
        String crashed = projectA.store("crashed", List.of(interrupted));
        projectA.awaitIngested(crashed, interrupted);
        gateway.database()
                .execute("UPDATE vector_store_files SET status = 'in_progress', generation = NULL,"
                        + " usage_bytes = 0 WHERE vector_store_id = '" + crashed + "'");
        gateway.database().execute("DELETE FROM chunks WHERE vector_store_id = '" + crashed + "'");
        assertThat(projectA.search(crashed, Map.of("query", "vegetarian lunch"))
                        .path("data")
                        .size())
                .isZero();

        // a restarted replica serves the same results as the one that kept running, and resumes the ingestion
        GatewayInstance restarted = GatewayInstance.start(properties(), gateway.database());
        try {
            JsonNode resumed = projectA.awaitIngested(crashed, interrupted);
            assertThat(resumed.path("status").stringValue()).isEqualTo("completed");
            assertThat(projectA.search(crashed, Map.of("query", "vegetarian lunch"))
                            .path("data")
                            .get(0)
                            .path("file_id")
                            .stringValue())
                    .isEqualTo(interrupted);
            RetrievalApi onRestarted = new RetrievalApi(restarted
                    .client(keyA)
                    .mutate()
                    .defaultHeader("X-User-Id", "alice")
                    .build());
            assertThat(restarted.bean(Retriever.class).countChunks(policies))
                    .isEqualTo(gateway.bean(Retriever.class).countChunks(policies));
            JsonNode expected = projectA.search(policies, Map.of("query", LAPTOP_QUESTION));
            JsonNode actual = onRestarted.search(policies, Map.of("query", LAPTOP_QUESTION));
            assertThat(actual.path("data").findValuesAsString("file_id"))
                    .isEqualTo(expected.path("data").findValuesAsString("file_id"));
            assertThat(actual.path("data").findValuesAsString("text"))
                    .isEqualTo(expected.path("data").findValuesAsString("text"));
        } finally {
            restarted.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Map<String, Object> user(String text) {
        return Map.of("role", "user", "content", text);
    }

    private static WebTestClient.ResponseSpec chat(WebTestClient client, Map<String, Object> body) {
        return client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
