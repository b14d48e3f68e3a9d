package io.llmgateway.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.AdminApi;
import io.llmgateway.app.GatewayInstance;
import io.llmgateway.testsupport.TestJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what in the admin API: every role against every endpoint, over real HTTP, and what an owner may do
 * within the caps the administrators set.
 */
class RolesIT {

    /** Who calls. */
    enum As {
        ADMIN_TOKEN,
        ADMINISTRATOR,
        AUDITOR,
        OWNER,
        MEMBER,
        OUTSIDER,
        SERVICE_KEY
    }

    private static final String CHAT = """
            {"model":"mock-echo","messages":[{"role":"user","content":"hello"}],"max_tokens":5}""";

    private static GatewayInstance gateway;
    private static AdminApi admin;
    private static final Map<As, String> KEYS = new EnumMap<>(As.class);
    private static final AtomicInteger FRESH = new AtomicInteger();

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(Map.of(
                "gateway.models[0].id", "mock-echo",
                "gateway.models[0].deployment", "mock",
                "gateway.models[1].id", "mock-other",
                "gateway.models[1].deployment", "mock"));
        admin = gateway.admin();
        admin.project("own", null);
        admin.project("other", null);
        for (String user : List.of("root", "audrey", "olivia", "mia", "oscar")) {
            admin.user(user, null);
        }
        admin.patch("/admin/v1/users/root", Map.of("role", "administrator"), 200);
        admin.patch("/admin/v1/users/audrey", Map.of("role", "auditor"), 200);
        admin.member("own", "olivia", "owner");
        admin.member("own", "mia", "member");
        admin.member("other", "oscar", "owner");
        KEYS.put(As.ADMIN_TOKEN, gateway.adminToken());
        KEYS.put(As.ADMINISTRATOR, key(admin.token("root")));
        KEYS.put(As.AUDITOR, key(admin.token("audrey")));
        KEYS.put(As.OWNER, key(admin.token("olivia")));
        KEYS.put(As.MEMBER, key(admin.token("mia")));
        KEYS.put(As.OUTSIDER, key(admin.token("oscar")));
        KEYS.put(As.SERVICE_KEY, key(admin.serviceKey("own")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String key(JsonNode issued) {
        return issued.path("key").stringValue();
    }

    private static String fresh(String prefix) {
        return prefix + "-" + FRESH.incrementAndGet();
    }

    /** One endpoint, how to name a target it may change, and who may use it (everyone else gets 403). */
    private record Endpoint(String method, Supplier<String> path, Supplier<Object> body, int status, List<As> allowed) {

        Endpoint(String method, Supplier<String> path, Object body, int status, List<As> allowed) {
            this(method, path, () -> body, status, allowed);
        }
    }

    private static final List<As> ADMINS = List.of(As.ADMIN_TOKEN, As.ADMINISTRATOR);
    private static final List<As> READERS = List.of(As.ADMIN_TOKEN, As.ADMINISTRATOR, As.AUDITOR);

    private static List<As> plus(List<As> roles, As... more) {
        List<As> all = new ArrayList<>(roles);
        all.addAll(List.of(more));
        return all;
    }

    private static List<Endpoint> endpoints() {
        Map<String, Object> none = Map.of();
        return List.of(
                new Endpoint("GET", () -> "/admin/v1/me", none, 200, plus(READERS, As.OWNER, As.MEMBER, As.OUTSIDER)),
                new Endpoint("GET", () -> "/admin/v1/users", none, 200, READERS),
                new Endpoint(
                        "POST",
                        () -> "/admin/v1/users",
                        (Supplier<Object>) () -> Map.of("id", fresh("u")),
                        201,
                        ADMINS),
                new Endpoint("GET", () -> "/admin/v1/users/mia", none, 200, plus(READERS, As.MEMBER)),
                new Endpoint("PATCH", () -> "/admin/v1/users/mia", Map.of("name", "Mia"), 200, ADMINS),
                new Endpoint("DELETE", () -> "/admin/v1/users/" + freshUser(), none, 200, ADMINS),
                new Endpoint(
                        "POST",
                        () -> "/admin/v1/users/mia/tokens",
                        Map.of("name", "laptop"),
                        201,
                        plus(ADMINS, As.MEMBER)),
                new Endpoint("GET", () -> "/admin/v1/users/mia/tokens", none, 200, plus(READERS, As.MEMBER)),
                new Endpoint(
                        "DELETE",
                        () -> "/admin/v1/users/mia/tokens/"
                                + admin.token("mia").path("id").stringValue(),
                        none,
                        200,
                        plus(ADMINS, As.MEMBER)),
                new Endpoint(
                        "POST",
                        () -> "/admin/v1/projects",
                        (Supplier<Object>) () -> Map.of("id", fresh("p"), "name", "P"),
                        201,
                        ADMINS),
                new Endpoint("GET", () -> "/admin/v1/projects", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/projects/own", none, 200, plus(READERS, As.OWNER, As.MEMBER)),
                new Endpoint(
                        "PATCH", () -> "/admin/v1/projects/own", Map.of("name", "Own"), 200, plus(ADMINS, As.OWNER)),
                new Endpoint("DELETE", () -> "/admin/v1/projects/" + freshOwnedProject(), none, 200, ADMINS),
                new Endpoint("GET", () -> "/admin/v1/projects/own/members", none, 200, plus(READERS, As.OWNER)),
                new Endpoint(
                        "PUT",
                        () -> "/admin/v1/projects/own/members/" + freshUser(),
                        Map.of("role", "member"),
                        200,
                        plus(ADMINS, As.OWNER)),
                new Endpoint(
                        "DELETE",
                        () -> "/admin/v1/projects/own/members/" + freshMember(),
                        none,
                        200,
                        plus(ADMINS, As.OWNER)),
                new Endpoint(
                        "POST",
                        () -> "/admin/v1/projects/own/keys",
                        Map.of("name", "team"),
                        201,
                        plus(ADMINS, As.OWNER)),
                new Endpoint("GET", () -> "/admin/v1/projects/own/keys", none, 200, plus(READERS, As.OWNER)),
                new Endpoint(
                        "DELETE", () -> "/admin/v1/projects/own/keys/" + freshKey(), none, 200, plus(ADMINS, As.OWNER)),
                new Endpoint(
                        "POST",
                        () -> "/admin/v1/projects/own/keys/" + freshKey() + "/rotate",
                        none,
                        200,
                        plus(ADMINS, As.OWNER)),
                new Endpoint("GET", () -> "/admin/v1/projects/own/limits", none, 200, plus(READERS, As.OWNER)),
                new Endpoint(
                        "PUT",
                        () -> "/admin/v1/projects/own/limits",
                        Map.of("requests_per_minute", 1000),
                        200,
                        plus(ADMINS, As.OWNER)),
                new Endpoint("GET", () -> "/admin/v1/projects/own/limit_caps", none, 200, plus(READERS, As.OWNER)),
                new Endpoint("PUT", () -> "/admin/v1/projects/own/limit_caps", none, 200, ADMINS),
                new Endpoint(
                        "GET",
                        () -> "/admin/v1/projects/own/keys/" + freshKey() + "/limits",
                        none,
                        200,
                        plus(READERS, As.OWNER)),
                new Endpoint(
                        "PUT",
                        () -> "/admin/v1/projects/own/keys/" + freshKey() + "/limits",
                        Map.of("concurrent_requests", 2),
                        200,
                        plus(ADMINS, As.OWNER)),
                new Endpoint("GET", () -> "/admin/v1/usage", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/usage?project_id=own", none, 200, plus(READERS, As.OWNER)),
                // oscar owns "other": an owner's rights are those of the projects they own
                new Endpoint("GET", () -> "/admin/v1/usage?project_id=other", none, 200, plus(READERS, As.OUTSIDER)),
                new Endpoint("GET", () -> "/admin/v1/usage?user_id=mia", none, 200, plus(READERS, As.MEMBER)),
                // the audit log is not narrowed by user_id: naming oneself grants nothing there
                new Endpoint("GET", () -> "/admin/v1/audit?user_id=mia", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/projects?project_id=own", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/usage/quarantine", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/deployments", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/usage/service_levels", none, 200, READERS),
                new Endpoint(
                        "GET",
                        () -> "/admin/v1/usage/service_levels?project_id=own&group_by=model",
                        none,
                        200,
                        plus(READERS, As.OWNER)),
                new Endpoint("GET", () -> "/admin/v1/audit", none, 200, READERS),
                new Endpoint("GET", () -> "/admin/v1/audit?project_id=own", none, 200, plus(READERS, As.OWNER)),
                new Endpoint("GET", () -> "/actuator/prometheus", none, 200, READERS));
    }

    private static String freshUser() {
        String id = fresh("user");
        admin.user(id, null);
        return id;
    }

    private static String freshMember() {
        String id = freshUser();
        admin.member("own", id, "member");
        return id;
    }

    private static String freshKey() {
        return admin.serviceKey("own").path("id").stringValue();
    }

    private static String freshOwnedProject() {
        String id = fresh("doomed");
        admin.project(id, null);
        admin.member(id, "olivia", "owner");
        admin.member(id, "mia", "member");
        return id;
    }

    private static EntityExchangeResult<byte[]> send(As as, String method, String path, Object body) {
        WebTestClient.RequestBodySpec request = gateway.client()
                .method(HttpMethod.valueOf(method))
                .uri(path)
                .header("Authorization", "Bearer " + KEYS.get(as));
        WebTestClient.RequestHeadersSpec<?> withBody = method.equals("GET") || method.equals("DELETE")
                ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return withBody.exchange().expectBody(byte[].class).returnResult();
    }

    @TestFactory
    Stream<DynamicTest> everyRoleAgainstEveryAdminEndpoint() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (As as : As.values()) {
                boolean allowed = endpoint.allowed().contains(as);
                int expected = allowed ? endpoint.status() : 403;
                String path = endpoint.path().get();
                Object body = endpoint.body().get();
                tests.add(DynamicTest.dynamicTest(as + " " + endpoint.method() + " " + path + " -> " + expected, () -> {
                    EntityExchangeResult<byte[]> result = send(as, endpoint.method(), path, body);
                    byte[] raw = result.getResponseBody();
                    String answer = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
                    assertThat(result.getStatus().value()).as(answer).isEqualTo(expected);
                    if (!allowed) {
                        JsonNode error = TestJson.mapper().readTree(answer).path("error");
                        assertThat(error.path("type").stringValue()).isEqualTo("permission_error");
                        assertThat(error.path("message").stringValue()).isNotBlank();
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void anOwnerMintsAServiceKeyThatCallsModelsAndTheAuditLogSaysWhoDidIt() {
        AdminApi olivia = admin.as(KEYS.get(As.OWNER));
        JsonNode issued = olivia.post("/admin/v1/projects/own/keys", Map.of("name", "team backend"), 201);

        int status = gateway.client()
                .post()
                .uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + key(issued))
                .header("X-User-Id", "backend")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .returnResult(byte[].class)
                .getStatus()
                .value();
        assertThat(status).isEqualTo(200);

        JsonNode entries =
                olivia.get("/admin/v1/audit?project_id=own&limit=100").path("data");
        assertThat(entries.valueStream()
                        .filter(entry -> entry.path("action").stringValue().equals("service_key.created")
                                || entry.path("target_id")
                                        .stringValue()
                                        .equals(issued.path("id").stringValue()))
                        .findFirst())
                .hasValueSatisfying(entry -> {
                    assertThat(entry.path("actor_user_id").stringValue()).isEqualTo("olivia");
                    assertThat(entry.path("project_id").stringValue()).isEqualTo("own");
                    assertThat(entry.toString()).doesNotContain(key(issued));
                });
        assertThat(olivia.get("/admin/v1/audit?project_id=own&limit=100")
                        .path("data")
                        .valueStream())
                .allSatisfy(entry ->
                        assertThat(entry.path("project_id").stringValue()).isEqualTo("own"));
    }

    @Test
    void aQueryParameterTheHandlerIgnoresLabelsNoAuditRow() {
        AdminApi mia = admin.as(KEYS.get(As.MEMBER));
        JsonNode token = mia.post("/admin/v1/users/mia/tokens?project_id=other", Map.of("name", "planted"), 201);

        JsonNode entries =
                admin.get("/admin/v1/audit?target_id=" + token.path("id").stringValue());
        assertThat(entries.path("data").get(0).path("actor_user_id").stringValue())
                .isEqualTo("mia");
        assertThat(entries.path("data").get(0).path("project_id").isNull()).isTrue();
    }

    @Test
    void deploymentsShowTheirModelsCircuitAndLastHour() {
        int status = gateway.client()
                .post()
                .uri("/v1/chat/completions")
                .header("Authorization", "Bearer " + KEYS.get(As.SERVICE_KEY))
                .header("X-User-Id", "probe")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .returnResult(byte[].class)
                .getStatus()
                .value();
        assertThat(status).isEqualTo(200);
        AdminApi auditor = admin.as(KEYS.get(As.AUDITOR));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode mock;
        do {
            mock = auditor.get("/admin/v1/deployments")
                    .path("data")
                    .valueStream()
                    .filter(deployment -> deployment.path("name").stringValue().equals("mock"))
                    .findFirst()
                    .orElseThrow();
        } while (mock.path("recent").path("requests").longValue() == 0 && System.nanoTime() < deadline);

        assertThat(mock.path("name").stringValue()).isEqualTo("mock");
        assertThat(mock.path("models").valueStream().map(JsonNode::stringValue))
                .containsExactly("mock-echo", "mock-other");
        assertThat(mock.path("circuit").path("state").stringValue()).isEqualTo("closed");
        assertThat(mock.path("recent").path("requests").longValue()).isPositive();
        assertThat(mock.path("recent").path("upstream_errors").longValue()).isZero();
        assertThat(mock.path("recent").path("mean_latency_ms").isNumber()).isTrue();

        JsonNode levels = auditor.get("/admin/v1/usage/service_levels?group_by=model&bucket=hour");
        assertThat(levels.path("data")
                        .valueStream()
                        .filter(point -> "mock-echo".equals(point.path("key").stringValue())))
                .isNotEmpty()
                .allSatisfy(point -> {
                    assertThat(point.path("time").stringValue()).endsWith(":00:00Z");
                    assertThat(point.path("requests").longValue()).isPositive();
                    assertThat(point.path("error_rate_percent").doubleValue()).isZero();
                    assertThat(point.path("mean_latency_ms").isNumber()).isTrue();
                });
        byte[] refused = gateway.client()
                .get()
                .uri("/admin/v1/usage/service_levels?bucket=week")
                .header("Authorization", "Bearer " + KEYS.get(As.AUDITOR))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        assertThat(TestJson.mapper()
                        .readTree(refused)
                        .path("error")
                        .path("param")
                        .stringValue())
                .isEqualTo("bucket");
    }

    @Test
    void anOwnerSetsModelsAndLimitsOnlyWithinTheAdministratorsCaps() {
        admin.project("capped", null);
        admin.member("capped", "olivia", "owner");
        AdminApi olivia = admin.as(KEYS.get(As.OWNER));

        JsonNode capped = admin.patch("/admin/v1/projects/capped", Map.of("model_cap", List.of("mock-echo")), 200);
        assertThat(capped.path("model_cap").valueStream().map(JsonNode::stringValue))
                .containsExactly("mock-echo");
        assertThat(capped.path("allowed_models").valueStream().map(JsonNode::stringValue))
                .as("a cap narrows the allowed models")
                .containsExactly("mock-echo");

        JsonNode refused = olivia.patch(
                        "/admin/v1/projects/capped", Map.of("allowed_models", List.of("mock-other")), 403)
                .path("error");
        assertThat(refused.path("code").stringValue()).isEqualTo("model_not_allowed");
        assertThat(refused.path("message").stringValue()).contains("mock-echo");
        Map<String, Object> everyModel = new HashMap<>();
        everyModel.put("allowed_models", null);
        olivia.patch("/admin/v1/projects/capped", everyModel, 403);
        olivia.patch("/admin/v1/projects/capped", Map.of("allowed_models", List.of("mock-echo")), 200);
        olivia.patch("/admin/v1/projects/capped", Map.of("prompt_logging", true), 403);
        olivia.patch("/admin/v1/projects/capped", Map.of("model_cap", List.of("mock-other")), 403);

        admin.put("/admin/v1/projects/capped/limit_caps", Map.of("requests_per_minute", 100), 200);
        JsonNode above = olivia.put("/admin/v1/projects/capped/limits", Map.of("requests_per_minute", 101), 403)
                .path("error");
        assertThat(above.path("code").stringValue()).isEqualTo("limit_above_cap");
        assertThat(above.path("message").stringValue())
                .contains("requests_per_minute")
                .contains("100");
        olivia.put("/admin/v1/projects/capped/limits", Map.of(), 403);
        olivia.put("/admin/v1/projects/capped/limits", Map.of("requests_per_minute", 100), 200);
        admin.put("/admin/v1/projects/capped/limits", Map.of("requests_per_minute", 5000), 200);
    }

    @Test
    void aMemberReadsOnlyTheirOwnUsageAndAnOwnerTheProjects() {
        admin.project("shared", null);
        admin.member("shared", "olivia", "owner");
        admin.member("shared", "mia", "member");
        for (As as : List.of(As.OWNER, As.MEMBER)) {
            int status = gateway.client()
                    .post()
                    .uri("/v1/chat/completions")
                    .header("Authorization", "Bearer " + KEYS.get(as))
                    .header("X-Project-Id", "shared")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(CHAT)
                    .exchange()
                    .returnResult(byte[].class)
                    .getStatus()
                    .value();
            assertThat(status).isEqualTo(200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (usersInUsage(As.OWNER).size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(usersInUsage(As.OWNER)).containsExactlyInAnyOrder("mia", "olivia");
        assertThat(usersInUsage(As.MEMBER)).containsExactly("mia");
    }

    private static List<String> usersInUsage(As as) {
        byte[] body = gateway.client()
                .get()
                .uri("/v1/usage?group_by=user")
                .header("Authorization", "Bearer " + KEYS.get(as))
                .header("X-Project-Id", "shared")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        return TestJson.mapper()
                .readTree(body)
                .path("data")
                .valueStream()
                .map(row -> row.path("user_id").stringValue())
                .toList();
    }
}
