package io.llmgateway.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.llmgateway.app.AdminApi;
import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.usage.Ledger;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.testsupport.PostgresSupport;
import io.llmgateway.testsupport.TestJson;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/** Every identity rule, over real HTTP against a real PostgreSQL. */
class IdentityIT {

    private static final String CHAT = """
            {"model":"mock-echo","messages":[{"role":"user","content":"who am I"}]}""";
    private static final Map<String, String> SETTINGS = Map.of(
            "gateway.models[0].id",
            "mock-echo",
            "gateway.models[0].deployment",
            "mock",
            "gateway.models[1].id",
            "mock-other",
            "gateway.models[1].deployment",
            "mock",
            "gateway.auth.failure-limit",
            "30",
            "gateway.http.trusted-proxies",
            "127.0.0.5/32",
            "gateway.auth.last-used-flush-interval",
            "300ms",
            "logging.level.io.llmgateway",
            "DEBUG",
            "logging.level.org.springframework.security",
            "DEBUG");

    private static GatewayInstance gateway;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(SETTINGS);
        admin = gateway.admin();
        admin.project("alpha", null);
        admin.project("beta", null);
        admin.project("narrow", List.of("mock-echo"));
        admin.user("ann", "alpha");
        admin.member("narrow", "ann", "owner");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static WebTestClient.ResponseSpec chat(String key, Map<String, String> headers) {
        WebTestClient.RequestBodySpec request =
                gateway.client().post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON);
        if (key != null) {
            request = request.header("Authorization", "Bearer " + key);
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            request = request.header(header.getKey(), header.getValue());
        }
        return request.bodyValue(CHAT).exchange();
    }

    private static int status(String key, Map<String, String> headers) {
        return chat(key, headers).returnResult(byte[].class).getStatus().value();
    }

    private static String key(JsonNode issued) {
        return issued.path("key").stringValue();
    }

    @Test
    void theDataPlaneIsAuthenticatedBySpringSecuritysChainWithTheGatewaysFilter() {
        // the chain Spring Security picks for a data-plane request: the first of its chains, in order, that matches
        MockServerWebExchange chat = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        MockServerWebExchange admin = MockServerWebExchange.from(MockServerHttpRequest.get("/admin/v1/projects"));
        ApplicationContext context = gateway.context();
        List<SecurityWebFilterChain> chains = context.getBeanProvider(SecurityWebFilterChain.class)
                .orderedStream()
                .toList();
        SecurityWebFilterChain dataPlane = chains.stream()
                .filter(chain -> Boolean.TRUE.equals(chain.matches(chat).block()))
                .findFirst()
                .orElseThrow();
        SecurityWebFilterChain adminPlane = chains.stream()
                .filter(chain -> Boolean.TRUE.equals(chain.matches(admin).block()))
                .findFirst()
                .orElseThrow();

        assertThat(dataPlane.getWebFilters().collectList().block())
                .hasAtLeastOneElementOfType(DataPlaneAuthenticationFilter.class);
        assertThat(adminPlane).isNotSameAs(dataPlane);
        assertThat(adminPlane.getWebFilters().collectList().block())
                .doesNotHaveAnyElementsOfTypes(DataPlaneAuthenticationFilter.class);
        // and not a second time outside Spring Security: the filter is no WebFilter bean of its own
        assertThat(context.getBeansOfType(DataPlaneAuthenticationFilter.class)).isEmpty();
    }

    @Test
    void noKeyOrABadKeyIs401WithTheSameMessageAndWwwAuthenticate() {
        String validButUnknown = new ApiKeyFormat().issue(KeyKind.SERVICE).token();
        String message = null;
        for (String key : new String[] {null, "sk-garbage", validButUnknown}) {
            byte[] body = chat(key, Map.of("X-User-Id", "u"))
                    .expectStatus()
                    .isUnauthorized()
                    .expectHeader()
                    .valueEquals("WWW-Authenticate", "Bearer realm=\"llm-gateway\"")
                    .expectBody(byte[].class)
                    .returnResult()
                    .getResponseBody();
            JsonNode error = TestJson.mapper().readTree(body).path("error");
            assertThat(error.path("code").stringValue()).isEqualTo("invalid_api_key");
            assertThat(error.path("type").stringValue()).isEqualTo("invalid_request_error");
            if (message != null) {
                assertThat(error.path("message").stringValue()).isEqualTo(message);
            }
            message = error.path("message").stringValue();
        }
    }

    @Test
    void aServiceKeyNeedsAWellFormedUserAndStaysInItsProject() {
        String alphaKey = key(admin.serviceKey("alpha"));
        assertThat(status(alphaKey, Map.of())).isEqualTo(400);
        assertThat(status(alphaKey, Map.of("X-User-Id", "bad user!"))).isEqualTo(400);
        assertThat(status(alphaKey, Map.of("X-User-Id", "x".repeat(129)))).isEqualTo(400);
        assertThat(status(alphaKey, Map.of("X-User-Id", "end.user@corp-1_x"))).isEqualTo(200);
        assertThat(status(alphaKey, Map.of("X-User-Id", "u", "X-Project-Id", "alpha")))
                .isEqualTo(200);
        chat(alphaKey, Map.of("X-User-Id", "u", "X-Project-Id", "beta"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.type")
                .isEqualTo("permission_error");
    }

    @Test
    void aPersonalTokenActsInItsUsersProjectsOnly() {
        String pat = key(admin.token("ann"));
        assertThat(status(pat, Map.of())).as("default project").isEqualTo(200);
        assertThat(status(pat, Map.of("X-Project-Id", "narrow")))
                .as("a member project")
                .isEqualTo(200);
        chat(pat, Map.of("X-Project-Id", "beta"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("not_a_member");
        assertThat(status(pat, Map.of("X-User-Id", "ann"))).isEqualTo(200);
        chat(pat, Map.of("X-User-Id", "someone-else"))
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("user_mismatch");
    }

    @Test
    void anAdminTokenCallsModelsOnlyForAProjectAndOnlyAdminsReachTheAdminApi() {
        assertThat(status(gateway.adminToken(), Map.of())).isEqualTo(403);
        assertThat(status(gateway.adminToken(), Map.of("X-Project-Id", "alpha")))
                .isEqualTo(200);
        assertThat(status(gateway.adminToken(), Map.of("X-Project-Id", "nowhere")))
                .isEqualTo(403);

        String serviceKey = key(admin.serviceKey("alpha"));
        gateway.client(serviceKey)
                .get()
                .uri("/admin/v1/users")
                .exchange()
                .expectStatus()
                .isForbidden();
        gateway.client().get().uri("/admin/v1/users").exchange().expectStatus().isUnauthorized();
        gateway.client(serviceKey)
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isForbidden();
        gateway.client(gateway.adminToken())
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk();
        gateway.client().get().uri("/actuator/health").exchange().expectStatus().isOk();
        // the paths the Helm chart's probes use (deploy-tests checks the chart renders exactly these)
        gateway.client()
                .get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk();
        gateway.client()
                .get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aProjectSeesAndCallsOnlyItsAllowedModels() {
        String key = key(admin.serviceKey("narrow"));
        WebTestClient client =
                gateway.client(key).mutate().defaultHeader("X-User-Id", "u").build();
        client.get()
                .uri("/v1/models")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.length()")
                .isEqualTo(1)
                .jsonPath("$.data[0].id")
                .isEqualTo("mock-echo");
        client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.replace("mock-echo", "mock-other"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("model_not_allowed");
        client.post()
                .uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT.replace("mock-echo", "no-such"))
                .exchange()
                .expectStatus()
                .isNotFound();

        gateway.client(gateway.adminToken())
                .patch()
                .uri("/admin/v1/projects/narrow")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"allowed_models\":null}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.allowed_models")
                .doesNotExist();
        // every model again: the two configured ones and the in-process embedding model
        await(
                () -> TestJson.mapper()
                        .readTree(client.get()
                                .uri("/v1/models")
                                .exchange()
                                .expectBody(byte[].class)
                                .returnResult()
                                .getResponseBody())
                        .path("data")
                        .findValuesAsString("id")
                        .equals(List.of("mock-echo", "mock-other", "all-minilm-l6-v2")),
                Duration.ofSeconds(1));
    }

    @Test
    void anExpiredKeyStopsWorking() {
        JsonNode issued = admin.post(
                "/admin/v1/projects/alpha/keys",
                Map.of(
                        "name",
                        "short-lived",
                        "expires_at",
                        Instant.now().plusMillis(1500).toString()),
                201);
        assertThat(status(key(issued), Map.of("X-User-Id", "u"))).isEqualTo(200);
        await(() -> status(key(issued), Map.of("X-User-Id", "u")) == 401, Duration.ofSeconds(5));
        admin.post(
                "/admin/v1/projects/alpha/keys",
                Map.of(
                        "name",
                        "already expired",
                        "expires_at",
                        Instant.now().minusSeconds(5).toString()),
                400);
    }

    @Test
    void aRevokedKeyStopsWorkingOnEveryReplicaWithinASecond() {
        try (GatewayInstance second = GatewayInstance.start(SETTINGS, gateway.database())) {
            JsonNode issued = admin.serviceKey("alpha");
            String key = key(issued);
            WebTestClient onSecond =
                    second.client(key).mutate().defaultHeader("X-User-Id", "u").build();
            for (int i = 0; i < 3; i++) {
                onSecond.get().uri("/v1/models").exchange().expectStatus().isOk();
            }

            admin.client()
                    .delete()
                    .uri("/admin/v1/projects/alpha/keys/" + issued.path("id").stringValue())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.revoked_at")
                    .isNumber();
            long revokedAt = System.nanoTime();

            await(
                    () -> onSecond.get()
                                    .uri("/v1/models")
                                    .exchange()
                                    .returnResult(byte[].class)
                                    .getStatus()
                                    .value()
                            == 401,
                    Duration.ofSeconds(1));
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void rotationWithoutGraceEndsTheOldSecretAndWithGraceKeepsBoth() {
        JsonNode issued = admin.serviceKey("alpha");
        String id = issued.path("id").stringValue();
        String original = key(issued);

        JsonNode graceful =
                admin.post("/admin/v1/projects/alpha/keys/" + id + "/rotate", Map.of("grace_period_seconds", 60), 200);
        assertThat(graceful.path("id").stringValue()).isEqualTo(id);
        assertThat(key(graceful)).isNotEqualTo(original);
        await(() -> status(key(graceful), Map.of("X-User-Id", "u")) == 200, Duration.ofSeconds(1));
        assertThat(status(original, Map.of("X-User-Id", "u")))
                .as("old secret in grace")
                .isEqualTo(200);

        JsonNode abrupt = admin.post("/admin/v1/projects/alpha/keys/" + id + "/rotate", Map.of(), 200);
        await(() -> status(key(abrupt), Map.of("X-User-Id", "u")) == 200, Duration.ofSeconds(1));
        await(() -> status(key(graceful), Map.of("X-User-Id", "u")) == 401, Duration.ofSeconds(1));
        assertThat(status(original, Map.of("X-User-Id", "u"))).isEqualTo(401);
    }

    @Test
    void theAuditLogTellsAKeysWholeLife() {
        JsonNode issued = admin.serviceKey("beta");
        String id = issued.path("id").stringValue();
        admin.post("/admin/v1/projects/beta/keys/" + id + "/rotate", Map.of("grace_period_seconds", 5), 200);
        admin.client()
                .delete()
                .uri("/admin/v1/projects/beta/keys/" + id)
                .exchange()
                .expectStatus()
                .isOk();

        JsonNode audit = admin.get("/admin/v1/audit?target_id=" + id);
        List<String> actions = new ArrayList<>();
        audit.path("data").forEach(entry -> {
            actions.add(entry.path("action").stringValue());
            assertThat(entry.path("actor_key_id").stringValue()).isNotBlank();
            assertThat(entry.path("remote_address").stringValue()).isEqualTo("127.0.0.1");
            assertThat(entry.path("at").isNumber()).isTrue();
        });
        assertThat(actions).containsExactly("key.revoked", "key.rotated", "key.created");
        assertThat(audit.toString()).doesNotContain(key(issued));
    }

    @Test
    void keyListingsShowMetadataAndTheLastUseButNeverTheSecret() {
        JsonNode issued = admin.serviceKey("beta");
        assertThat(status(key(issued), Map.of("X-User-Id", "u"))).isEqualTo(200);
        await(
                () -> {
                    JsonNode keys = admin.get("/admin/v1/projects/beta/keys?limit=100");
                    for (JsonNode key : keys.path("data")) {
                        if (key.path("id")
                                .stringValue()
                                .equals(issued.path("id").stringValue())) {
                            assertThat(key.has("key")).isFalse();
                            assertThat(key.path("prefix").stringValue()).isEqualTo("gws_");
                            assertThat(key.path("last_four").stringValue())
                                    .isEqualTo(key(issued).substring(key(issued).length() - 4));
                            return key.path("last_used_at").isNumber();
                        }
                    }
                    return false;
                },
                Duration.ofSeconds(5));
    }

    @Test
    void aKeyUsedJustBeforeAGracefulShutdownShowsThatUseAfterwards() {
        PostgresSupport.Database database = PostgresSupport.newDatabase();
        String keyId;
        try (GatewayInstance restarting = GatewayInstance.start(
                Map.of(
                        "gateway.models[0].id",
                        "mock-echo",
                        "gateway.models[0].deployment",
                        "mock",
                        // no periodic write before the shutdown: only the shutdown can write this use
                        "gateway.auth.last-used-flush-interval",
                        "1h"),
                database)) {
            restarting.admin().project("restart", null);
            JsonNode issued = restarting.admin().serviceKey("restart");
            keyId = issued.path("id").stringValue();
            restarting
                    .client()
                    .post()
                    .uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .header("Authorization", "Bearer " + key(issued))
                    .header("X-User-Id", "u")
                    .bodyValue(CHAT)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        List<Map<String, Object>> rows =
                new Ledger(database).query("SELECT last_used_at FROM api_keys WHERE id = ?", keyId);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("last_used_at"))
                .as("the use was written at shutdown")
                .isNotNull();
    }

    @Test
    void adminValidationMissingAndDuplicates() {
        admin.post("/admin/v1/projects", Map.of("id", "dup"), 400);
        admin.post("/admin/v1/projects", Map.of("id", "dup", "name", "Dup"), 201);
        JsonNode conflict = admin.post("/admin/v1/projects", Map.of("id", "dup", "name", "Dup"), 409);
        assertThat(conflict.path("error").path("code").stringValue()).isEqualTo("conflict");
        admin.post("/admin/v1/projects", Map.of("name", "Bad", "allowed_models", List.of("gpt-nope")), 400);
        admin.post("/admin/v1/users", Map.of("id", "zed", "default_project_id", "nope"), 400);
        admin.client()
                .get()
                .uri("/admin/v1/users/nobody")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("not_found");
        admin.client()
                .put()
                .uri("/admin/v1/projects/dup/members/nobody")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("role", "owner"))
                .exchange()
                .expectStatus()
                .isNotFound();
        admin.user("member-x", null);
        admin.client()
                .put()
                .uri("/admin/v1/projects/dup/members/member-x")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("role", "boss"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.error.param")
                .isEqualTo("role");
        admin.client()
                .get()
                .uri("/admin/v1/projects?limit=0")
                .exchange()
                .expectStatus()
                .isBadRequest();
    }

    @Test
    void listsPageWithLimitAndAfter() {
        for (int i = 0; i < 3; i++) {
            admin.user("page-" + i, null);
        }
        JsonNode first = admin.get("/admin/v1/users?limit=2&after=page-");
        assertThat(first.path("data").size()).isEqualTo(2);
        assertThat(first.path("has_more").booleanValue()).isTrue();
        JsonNode second = admin.get(
                "/admin/v1/users?limit=2&after=" + first.path("last_id").stringValue());
        assertThat(second.path("data").get(0).path("id").stringValue()).isEqualTo("page-2");
    }

    @Test
    void aPatchChangesTheFieldsItHasClearsTheNullOnesAndNamesTheFieldAtFault() {
        admin.user("patched", null);
        JsonNode named = admin.patch("/admin/v1/users/patched", "{\"name\":\"P\",\"email\":\"p@example.com\"}", 200);
        assertThat(named.path("name").stringValue()).isEqualTo("P");
        assertThat(named.path("email").stringValue()).isEqualTo("p@example.com");
        JsonNode cleared = admin.patch("/admin/v1/users/patched", "{\"email\":null}", 200);
        assertThat(cleared.path("name").stringValue()).as("absent: unchanged").isEqualTo("P");
        assertThat(cleared.path("email").isString()).as("null: cleared").isFalse();

        assertError(
                admin.patch("/admin/v1/users/patched", "{\"name\":5}", 400),
                "name",
                "'name' must be a string or null.");
        assertError(
                admin.patch("/admin/v1/users/patched", "{\"email\":\"nope\"}", 400),
                "email",
                "'email' must be an e-mail address.");
        assertError(
                admin.patch("/admin/v1/users/patched", "null", 400), null, "The request body must be a JSON object.");
        assertError(admin.patch("/admin/v1/users/patched", "[]", 400), null, "The request body must be a JSON object.");
        assertError(
                admin.patch("/admin/v1/projects/alpha", "{\"name\":null}", 400),
                "name",
                "Missing required parameter: 'name'.");
        assertError(
                admin.patch("/admin/v1/projects/alpha", "{\"allowed_models\":[1]}", 400),
                "allowed_models",
                "'allowed_models' must be a list of model ids or null.");
        assertError(
                admin.patch("/admin/v1/projects/alpha", "{\"prompt_logging\":null}", 400),
                "prompt_logging",
                "'prompt_logging' must be true or false.");
        assertError(
                admin.put("/admin/v1/projects/alpha/limits", "{\"rpm\":1}", 400),
                "rpm",
                "Unknown limit 'rpm'; known: requests_per_minute, tokens_per_minute, concurrent_requests, token_budget, cost_budget.");
        assertError(
                admin.put("/admin/v1/projects/alpha/limits", "null", 400),
                null,
                "The request body must be a JSON object.");
        assertThat(admin.get("/admin/v1/users/patched").path("name").stringValue())
                .as("nothing changed")
                .isEqualTo("P");
    }

    private static void assertError(JsonNode body, String param, String message) {
        JsonNode error = body.path("error");
        assertThat(error.path("message").stringValue()).isEqualTo(message);
        assertThat(error.path("param").isString() ? error.path("param").stringValue() : null)
                .isEqualTo(param);
    }

    @Test
    void aMisspeltFieldInAnAdminBodyIsRefusedInsteadOfIgnored() {
        admin.post("/admin/v1/users", Map.of("id", "typo", "nam", "x"), 400);
        admin.client()
                .get()
                .uri("/admin/v1/users/typo")
                .exchange()
                .expectStatus()
                .isNotFound();
        admin.patch("/admin/v1/projects/alpha", Map.of("promptlogging", true), 400);

        JsonNode issued = admin.serviceKey("alpha");
        JsonNode error = admin.post(
                "/admin/v1/projects/alpha/keys/" + issued.path("id").stringValue() + "/rotate",
                Map.of("grace_period", 3600),
                400);
        assertThat(error.path("error").path("message").stringValue())
                .isEqualTo("Unrecognized request argument supplied: grace_period.");
        assertThat(rawStatus("127.0.0.9", key(issued)))
                .as("the key was not rotated")
                .isEqualTo(200);
        admin.post("/admin/v1/users", Map.of("id", 5), 400);
    }

    @Test
    void anAddressThatFailedManyTimesIsRefusedOnlyForItsFailuresNeverForAValidKey() {
        for (int i = 0; i < 30; i++) {
            assertThat(rawStatus("127.0.0.3", "gws_wrong")).isEqualTo(401);
        }
        assertThat(rawStatus("127.0.0.3", "gws_wrong")).isEqualTo(429);
        assertThat(rawStatus("127.0.0.3", key(admin.serviceKey("alpha"))))
                .as("a valid key from that address")
                .isEqualTo(200);
        assertThat(raw("127.0.0.3", gateway.adminToken(), Map.of(), "GET", "/admin/v1/projects"))
                .as("the admin token from that address")
                .isEqualTo(200);
        assertThat(raw("127.0.0.3", "gwa_wrong", Map.of(), "GET", "/admin/v1/projects"))
                .as("a bad admin token from that address")
                .isEqualTo(429);
        assertThat(rawStatus("127.0.0.4", "gws_wrong")).as("another address").isEqualTo(401);
    }

    @Test
    void behindATrustedProxyEachClientIsThrottledOnItsOwnAndNobodyElseCanClaimAnAddress() {
        // 127.0.0.5 is the trusted proxy (an Ingress controller): it appends the client it saw
        for (int i = 0; i < 31; i++) {
            raw("127.0.0.5", "gws_wrong", Map.of("X-Forwarded-For", "203.0.113.50, 198.51.100.7"), "POST", null);
        }
        assertThat(raw("127.0.0.5", "gws_wrong", Map.of("X-Forwarded-For", "198.51.100.7"), "POST", null))
                .as("the client that failed")
                .isEqualTo(429);
        assertThat(raw("127.0.0.5", "gws_wrong", Map.of("Forwarded", "for=198.51.100.8;proto=https"), "POST", null))
                .as("another client of the same proxy")
                .isEqualTo(401);
        assertThat(raw(
                        "127.0.0.5",
                        key(admin.serviceKey("alpha")),
                        Map.of("X-Forwarded-For", "198.51.100.7"),
                        "POST",
                        null))
                .as("a valid key of the client that failed")
                .isEqualTo(200);
        // a peer that is not a trusted proxy cannot blame another address: its failures are its own
        assertThat(raw("127.0.0.6", "gws_wrong", Map.of("X-Forwarded-For", "198.51.100.8"), "POST", null))
                .isEqualTo(401);
        raw("127.0.0.5", gateway.adminToken(), Map.of("X-Forwarded-For", "198.51.100.9"), "POST", "/admin/v1/users");
        JsonNode audit = admin.get("/admin/v1/audit?limit=1");
        assertThat(audit.path("data").get(0).path("remote_address").stringValue())
                .isEqualTo("198.51.100.9");
    }

    @Test
    void aKeyIdTriedFromManyAddressesIsThrottledWhileItsValidSecretStillWorks() {
        JsonNode issued = admin.serviceKey("alpha");
        String keyId = issued.path("id").stringValue();
        for (int i = 0; i < 30; i++) {
            String guess = new ApiKeyFormat().issue(KeyKind.SERVICE, keyId).token();
            assertThat(rawStatus("127.0.1." + (i + 1), guess)).isEqualTo(401);
        }
        String guess = new ApiKeyFormat().issue(KeyKind.SERVICE, keyId).token();
        assertThat(rawStatus("127.0.2.1", guess))
                .as("a new address, the same key id")
                .isEqualTo(429);
        assertThat(rawStatus("127.0.2.2", key(issued))).as("the key's owner").isEqualTo(200);
    }

    @Test
    void noKeyOrSecretReachesALogLineAnErrorBodyOrAMetric() {
        // attached here: every gateway start re-initialises logging and drops appenders added before it
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            useKeysAndCheckTheirTraces(logs);
        } finally {
            root.detachAppender(logs);
        }
    }

    private void useKeysAndCheckTheirTraces(ListAppender<ILoggingEvent> captured) {
        JsonNode issued = admin.serviceKey("alpha");
        String key = key(issued);
        JsonNode pat = admin.token("ann");
        chat(key, Map.of("X-User-Id", "logged-user"));
        chat(key.substring(0, key.length() - 1) + "x", Map.of("X-User-Id", "u"));
        chat(key, Map.of());
        chat(key(pat), Map.of("X-Project-Id", "beta"));
        byte[] rotated = admin.client()
                .post()
                .uri(
                        "/admin/v1/projects/alpha/keys/{id}/rotate",
                        issued.path("id").stringValue())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        String newKey = TestJson.mapper().readTree(rotated).path("key").stringValue();
        String metrics = new String(gateway.client(gateway.adminToken())
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody());
        String audit = admin.get("/admin/v1/audit?limit=100").toString();

        List<String> secrets = List.of(
                key,
                key(pat),
                newKey,
                gateway.adminToken(),
                secretOf(key),
                secretOf(key(pat)),
                secretOf(newKey),
                secretOf(gateway.adminToken()));
        StringBuilder logs = new StringBuilder();
        for (ILoggingEvent event : new ArrayList<>(captured.list)) {
            logs.append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                logs.append(ThrowableProxyUtil.asString(event.getThrowableProxy()))
                        .append('\n');
            }
        }
        assertThat(captured.list).as("the log capture works").isNotEmpty();
        for (String secret : secrets) {
            assertThat(logs.toString()).doesNotContain(secret);
            assertThat(metrics).doesNotContain(secret);
            assertThat(audit).doesNotContain(secret);
        }
    }

    private static String secretOf(String token) {
        return token.substring(17, token.length() - 6);
    }

    /** A request from a chosen loopback address, to act as a different client. */
    private static int rawStatus(String fromAddress, String key) {
        return raw(fromAddress, key, Map.of(), "POST", null);
    }

    /** A request from a given local address; a POST without a path is a chat completion, a POST to a path a user. */
    private static int raw(String fromAddress, String key, Map<String, String> headers, String method, String path) {
        HttpClient client = HttpClient.create()
                .bindAddress(() -> new InetSocketAddress(fromAddress, 0))
                .headers(h -> {
                    h.add(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                            .add("X-User-Id", "u");
                    headers.forEach(h::add);
                });
        if (method.equals("GET")) {
            return client.get()
                    .uri(gateway.baseUrl() + path)
                    .responseSingle((response, body) ->
                            body.then(Mono.just(response.status().code())))
                    .block(Duration.ofSeconds(10));
        }
        String body = path == null ? CHAT : "{\"name\":\"proxied\"}";
        return client.post()
                .uri(gateway.baseUrl() + (path == null ? "/v1/chat/completions" : path))
                .send(ByteBufMono.fromString(Mono.just(body)))
                .responseSingle((response, answer) ->
                        answer.then(Mono.just(response.status().code())))
                .block(Duration.ofSeconds(10));
    }

    private static void await(Supplier<Boolean> condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
