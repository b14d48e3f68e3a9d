package io.llmgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.usage.Ledger;
import io.llmgateway.app.usage.UsageLedger;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The gateway as a hostile client meets it: a generated corpus of malformed and extreme bodies, headers, paths and
 * multipart parts against every endpoint of a running gateway. Whatever comes in, the answer is never a 5xx and never
 * an empty error: every error is OpenAI's body. Afterwards the gateway is healthy, answers a normal request, and its
 * ledger still writes (with nothing quarantined: what the database cannot store never got in).
 */
class HostileInputIT {

    private static final JsonMapper JSON = TestJson.mapper();
    private static final String MARKER = "\u00a7hostile\u00a7";

    private static FakeUpstream upstream;
    private static GatewayInstance gateway;
    private static RawHttp http;
    private static String serviceKey;
    private static String pat;
    private static String storeId;
    private static String fileId;
    private static String rotatedKeyId;
    private static List<Endpoint> jsonEndpoints;
    private static List<Endpoint> allEndpoints;

    /** One endpoint: method, path, who calls it, and a valid body to mutate (null: it takes none). */
    record Endpoint(String method, String path, String key, String body) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeContainer
    static void start() {
        upstream = FakeUpstream.start();
        upstream.fallback(request -> request.body().contains("\"stream\":true")
                ? Reply.sse(Duration.ZERO, OpenAiFixtures.stream("up-model", List.of("Hi", " there"), true))
                : Reply.json(200, OpenAiFixtures.completion("up-model", "Hi there", 9, 2)));
        gateway = GatewayInstance.start(Map.ofEntries(
                Map.entry("gateway.deployments.octo-up.type", "octo"),
                Map.entry("gateway.deployments.octo-up.base-url", upstream.baseUrl()),
                Map.entry("gateway.deployments.octo-up.upstream-model", "up-model"),
                Map.entry("gateway.models[0].id", "mock-echo"),
                Map.entry("gateway.models[0].deployment", "mock"),
                Map.entry("gateway.models[1].id", "octo-model"),
                Map.entry("gateway.models[1].deployment", "octo-up"),
                Map.entry("gateway.models[1].profile", "octo"),
                Map.entry("gateway.models[2].id", "embed"),
                Map.entry("gateway.models[2].deployment", "mock"),
                Map.entry("gateway.models[2].type", "embedding"),
                Map.entry("gateway.retrieval.embedding-model", "embed"),
                Map.entry("gateway.auth.failure-limit", "100000")));
        http = new RawHttp("127.0.0.1", gateway.port());
        AdminApi admin = gateway.admin();
        admin.project("hp", null);
        admin.project("limits-target", null);
        admin.user("alice", "hp");
        serviceKey = admin.serviceKey("hp").path("key").stringValue();
        pat = admin.token("alice").path("key").stringValue();
        rotatedKeyId = admin.serviceKey("hp").path("id").stringValue();
        fileId = JSON.readTree(upload(
                                "handbook.txt",
                                "The expense policy: file within 30 days.".getBytes(StandardCharsets.UTF_8),
                                "assistants")
                        .body())
                .path("id")
                .stringValue();
        storeId = JSON.readTree(send(
                                "POST",
                                "/v1/vector_stores",
                                serviceKey,
                                "{\"name\":\"kb\",\"file_ids\":[\"" + fileId + "\"]}")
                        .body())
                .path("id")
                .stringValue();
        String chat = """
                {"model":"mock-echo","messages":[{"role":"system","content":"be brief"},{"role":"user",
                 "content":"hello","name":"alice"}],"temperature":0.5,"top_p":0.9,"max_tokens":16,"n":1,
                 "user":"end-user","chat_id":"c-1","stop":["zzz"],"seed":7,"metadata":{"k":"v"},"stream":false,
                 "stream_options":null,"rag_params":{"vector_store_ids":["%s"],"max_num_results":2,
                 "score_threshold":0.0,"filters":{"type":"eq","key":"team","value":"a"},"include_sources":true}}""".formatted(storeId);
        String octo = """
                {"model":"octo-model","messages":[{"role":"user","content":"hello"}],"max_tokens":8,
                 "temperature":0.7,"min_p":0.1,"repetition_penalty":1.1,"logit_bias":{"50256":-100},
                 "logprobs":true,"top_logprobs":2,"tools":[{"type":"function","function":{"name":"lookup",
                 "description":"d","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
                 "tool_choice":"auto","response_format":{"type":"json_schema","json_schema":{"name":"s",
                 "schema":{"type":"object"}}},"ignore_eos":false,"stream":true,
                 "stream_options":{"include_usage":true}}""";
        jsonEndpoints = List.of(
                new Endpoint("POST", "/v1/chat/completions", serviceKey, chat),
                new Endpoint("POST", "/v1/chat/completions", pat, octo),
                new Endpoint(
                        "POST",
                        "/v1/embeddings",
                        serviceKey,
                        "{\"model\":\"embed\",\"input\":[\"lost laptop\",\"expense policy\"],\"user\":\"u\","
                                + "\"encoding_format\":\"float\"}"),
                new Endpoint(
                        "POST",
                        "/v1/vector_stores",
                        serviceKey,
                        "{\"name\":\"s\",\"file_ids\":[\"" + fileId + "\"],\"metadata\":{\"a\":\"b\"},"
                                + "\"expires_after\":{\"anchor\":\"last_active_at\",\"days\":3},"
                                + "\"chunking_strategy\":{\"type\":\"static\",\"static\":{"
                                + "\"max_chunk_size_tokens\":200,\"chunk_overlap_tokens\":20}}}"),
                new Endpoint(
                        "POST",
                        "/v1/vector_stores/" + storeId,
                        serviceKey,
                        "{\"name\":\"renamed\",\"metadata\":{\"x\":\"y\"}}"),
                new Endpoint(
                        "POST",
                        "/v1/vector_stores/" + storeId + "/files",
                        serviceKey,
                        "{\"file_id\":\"" + fileId + "\",\"attributes\":{\"team\":\"a\",\"year\":2026}}"),
                new Endpoint(
                        "POST",
                        "/v1/vector_stores/" + storeId + "/search",
                        serviceKey,
                        "{\"query\":\"expense\",\"max_num_results\":3,\"filters\":{\"type\":\"and\",\"filters\":"
                                + "[{\"type\":\"eq\",\"key\":\"team\",\"value\":\"a\"}]},"
                                + "\"ranking_options\":{\"score_threshold\":0.1}}"),
                new Endpoint(
                        "POST",
                        "/admin/v1/users",
                        gateway.adminToken(),
                        "{\"id\":\"user-x\",\"name\":\"X\",\"email\":\"x@example.com\",\"default_project_id\":\"hp\"}"),
                new Endpoint("PATCH", "/admin/v1/users/alice", gateway.adminToken(), "{\"name\":\"Alice\"}"),
                new Endpoint(
                        "POST",
                        "/admin/v1/projects",
                        gateway.adminToken(),
                        "{\"id\":\"proj-x\",\"name\":\"P\",\"allowed_models\":[\"mock-echo\"],\"prompt_logging\":false}"),
                new Endpoint(
                        "PATCH",
                        "/admin/v1/projects/limits-target",
                        gateway.adminToken(),
                        "{\"name\":\"L\",\"allowed_models\":null,\"prompt_logging\":true}"),
                new Endpoint(
                        "PUT", "/admin/v1/projects/hp/members/alice", gateway.adminToken(), "{\"role\":\"member\"}"),
                new Endpoint(
                        "POST",
                        "/admin/v1/projects/hp/keys",
                        gateway.adminToken(),
                        "{\"name\":\"k\",\"expires_at\":\"2030-01-01T00:00:00Z\"}"),
                new Endpoint(
                        "POST",
                        "/admin/v1/projects/hp/keys/" + rotatedKeyId + "/rotate",
                        gateway.adminToken(),
                        "{\"grace_period_seconds\":0}"),
                new Endpoint("POST", "/admin/v1/users/alice/tokens", gateway.adminToken(), "{\"name\":\"t\"}"),
                new Endpoint(
                        "PUT",
                        "/admin/v1/projects/limits-target/limits",
                        gateway.adminToken(),
                        "{\"requests_per_minute\":600,\"tokens_per_minute\":200000,\"concurrent_requests\":20,"
                                + "\"token_budget\":{\"limit\":50000000,\"period\":\"month\"},"
                                + "\"cost_budget\":{\"limit_usd\":250.5,\"period\":\"day\"}}"),
                new Endpoint(
                        "PUT",
                        "/admin/v1/projects/limits-target/limit_caps",
                        gateway.adminToken(),
                        "{\"requests_per_minute\":6000,\"token_budget\":{\"limit\":90000000,\"period\":\"month\"}}"),
                new Endpoint(
                        "PATCH",
                        "/admin/v1/projects/limits-target",
                        gateway.adminToken(),
                        "{\"model_cap\":[\"mock-echo\"]}"));
        List<Endpoint> all = new ArrayList<>(jsonEndpoints);
        all.addAll(List.of(
                new Endpoint("GET", "/v1/models", serviceKey, null),
                new Endpoint("GET", "/v1/models/mock-echo", serviceKey, null),
                new Endpoint("GET", "/v1/usage?group_by=model,day&from=2026-01-01", serviceKey, null),
                new Endpoint("GET", "/v1/files?limit=5&order=desc", serviceKey, null),
                new Endpoint("GET", "/v1/files/" + fileId, serviceKey, null),
                new Endpoint("GET", "/v1/files/" + fileId + "/content", serviceKey, null),
                new Endpoint("GET", "/v1/vector_stores?limit=5", serviceKey, null),
                new Endpoint("GET", "/v1/vector_stores/" + storeId + "/files?filter=completed", serviceKey, null),
                new Endpoint("GET", "/admin/v1/users?limit=5", gateway.adminToken(), null),
                new Endpoint("GET", "/admin/v1/projects/hp/keys?limit=5", gateway.adminToken(), null),
                new Endpoint("GET", "/admin/v1/audit?limit=5", gateway.adminToken(), null),
                new Endpoint("GET", "/admin/v1/usage?group_by=project&from=2026-01-01", gateway.adminToken(), null),
                new Endpoint("GET", "/admin/v1/usage/quarantine", gateway.adminToken(), null),
                new Endpoint("GET", "/admin/v1/me", gateway.adminToken(), null),
                new Endpoint("GET", "/admin/v1/deployments", gateway.adminToken(), null),
                new Endpoint(
                        "GET",
                        "/admin/v1/usage/service_levels?bucket=hour&group_by=model&from=2026-01-01&to=2026-01-20",
                        gateway.adminToken(),
                        null),
                new Endpoint("GET", "/admin/v1/usage?user_id=alice&from=2026-01-01", gateway.adminToken(), null),
                new Endpoint("GET", "/actuator/health", null, null),
                new Endpoint("GET", "/actuator/prometheus", gateway.adminToken(), null)));
        allEndpoints = List.copyOf(all);
    }

    @AfterContainer
    static void theGatewayIsHealthyAndItsLedgerStillWrites() {
        try {
            assertThat(send("GET", "/actuator/health", null, null).status()).isEqualTo(200);
            RawHttp.Response chat = send(
                    "POST",
                    "/v1/chat/completions",
                    serviceKey,
                    "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"still here?\"}]}");
            assertThat(chat.status()).as(chat.text()).isEqualTo(200);
            assertThat(new Ledger(gateway.database()).record(chat.headers().get("x-request-id")))
                    .containsEntry("status", "ok");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gateway.bean(UsageLedger.class).buffered() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(gateway.bean(UsageLedger.class).buffered())
                    .as("the ledger drained")
                    .isZero();
            assertThat(gateway.database()
                            .query("SELECT count(*) AS n FROM usage_quarantine")
                            .get(0)
                            .get("n"))
                    .as("nothing the database refuses got past the boundary")
                    .isEqualTo(0L);
        } finally {
            gateway.close();
            upstream.close();
        }
    }

    // --- JSON bodies ---------------------------------------------------------------------------------------------

    @Property(tries = 400)
    void aMutatedJsonBodyIsAnsweredCleanly(
            @ForAll("jsonEndpoints") Endpoint endpoint, @ForAll("mutations") Mutation mutation) {
        byte[] body = mutation.apply(endpoint.body());
        RawHttp.Response response = http.send(endpoint.method(), endpoint.path(), headers(endpoint.key()), body);
        assertWellBehaved(response, endpoint + " with " + mutation);
    }

    @Provide
    Arbitrary<Endpoint> jsonEndpoints() {
        return Arbitraries.of(jsonEndpoints);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Mutation> replace = Combinators.combine(Arbitraries.integers().between(0, 10_000), hostileValues())
                .as(Mutation::replaceValue);
        Arbitrary<Mutation> addField =
                Combinators.combine(hostileNames(), hostileValues()).as(Mutation::addField);
        Arbitrary<Mutation> wholeBody = hostileBodies().map(Mutation::wholeBody);
        return Arbitraries.frequencyOf(Tuple.of(6, replace), Tuple.of(2, addField), Tuple.of(2, wholeBody));
    }

    /** JSON fragments no parameter should take, as raw bytes (some are not even valid JSON). */
    private static Arbitrary<byte[]> hostileValues() {
        List<byte[]> values = new ArrayList<>();
        for (String text : List.of(
                "\"a\\u0000b\"",
                "\"\\u0000\"",
                "\"\\ud800\"",
                "\"x\\udc00\"",
                "\"\\ud800\\u0041\"",
                "\"\\udbff\"",
                "\"NaN\"",
                "\"Infinity\"",
                "\"-Infinity\"",
                "NaN",
                "Infinity",
                "-Infinity",
                "1e999",
                "-1e999",
                "1e-999",
                "1" + "0".repeat(400),
                "-" + "9".repeat(400),
                "2147483648",
                "-2147483649",
                "9223372036854775808",
                "-1",
                "0",
                "1.5",
                "-0.0",
                "true",
                "false",
                "null",
                "[]",
                "{}",
                "\"\"",
                "\" \"",
                "[null]",
                "[\"\\u0000\"]",
                "{\"\\u0000\":1}",
                "{\"a\":\"\\ud800\"}",
                "[1e999]",
                "\"\\u0041\\u0000\"",
                "{\"type\":\"yaml\"}",
                "{\"type\":\"function\"}",
                "[{\"type\":\"function\"}]",
                "\"required\"",
                "{\"vector_store_ids\":[\"vs_x\"],\"max_num_results\":99999999999999999999}",
                "\"" + "x".repeat(100_000) + "\"",
                "[" + "[".repeat(300) + "]".repeat(300) + "]",
                "{\"a\":" + "{\"a\":".repeat(150) + "1" + "}".repeat(150) + "}",
                "\"\u00e9\u6f22\ud83d\ude00\"",
                "{\"unknown\":\"\\ud800\"}")) {
            values.add(text.getBytes(StandardCharsets.UTF_8));
        }
        values.add(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'});
        values.add(new byte[] {'"', (byte) 0xC3, '"'});
        values.add(new byte[] {'"', 'a', 0, 'b', '"'});
        values.add(new byte[] {'"', (byte) 0xFF, (byte) 0xFE, '"'});
        return Arbitraries.of(values);
    }

    private static Arbitrary<String> hostileNames() {
        return Arbitraries.of(
                "nam",
                "unknown_field",
                "x\u0000",
                "\ud800",
                "",
                "model ",
                "temperature",
                "messages",
                "__proto__",
                "a".repeat(5000));
    }

    private static Arbitrary<byte[]> hostileBodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (String text : List.of(
                "",
                "null",
                "[]",
                "\"text\"",
                "1",
                "{",
                "{\"model\":",
                "}",
                "{}",
                "{\"a\":1,}",
                "{'a':1}",
                "\u0000",
                "{\"a\":\"\u0000\"}",
                "[" + "[".repeat(2000),
                "{\"a\":1}{\"b\":2}",
                "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + " ".repeat(1000)
                        + "}")) {
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
        bodies.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'});
        bodies.add(new byte[] {0x1f, (byte) 0x8b, 8, 0});
        return Arbitraries.of(bodies);
    }

    /** A change to a valid body: a value replaced, a field added, or the whole body replaced. */
    record Mutation(String kind, int at, String name, byte[] value) {

        static Mutation replaceValue(int at, byte[] value) {
            return new Mutation("replace", at, null, value);
        }

        static Mutation addField(String name, byte[] value) {
            return new Mutation("add", 0, name, value);
        }

        static Mutation wholeBody(byte[] body) {
            return new Mutation("body", 0, null, body);
        }

        byte[] apply(String valid) {
            if (kind.equals("body")) {
                return value;
            }
            JsonNode tree = JSON.readTree(valid);
            if (kind.equals("add")) {
                ((ObjectNode) tree).put(name, MARKER);
            } else {
                List<JsonNode> containers = new ArrayList<>();
                List<Object> slots = new ArrayList<>();
                collect(tree, containers, slots);
                int pick = at % slots.size();
                JsonNode container = containers.get(pick);
                if (container instanceof ObjectNode object) {
                    object.set((String) slots.get(pick), StringNode.valueOf(MARKER));
                } else {
                    ((ArrayNode) container).set((Integer) slots.get(pick), StringNode.valueOf(MARKER));
                }
            }
            byte[] text = JSON.writeValueAsBytes(tree);
            byte[] marker = ("\"" + MARKER + "\"").getBytes(StandardCharsets.UTF_8);
            return replace(text, marker, value);
        }

        private static void collect(JsonNode node, List<JsonNode> containers, List<Object> slots) {
            if (node instanceof ObjectNode object) {
                for (String name : object.propertyNames()) {
                    containers.add(object);
                    slots.add(name);
                    collect(object.get(name), containers, slots);
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    containers.add(array);
                    slots.add(i);
                    collect(array.get(i), containers, slots);
                }
            }
        }

        @Override
        public String toString() {
            String shown = new String(value, 0, Math.min(value.length, 120), StandardCharsets.UTF_8);
            return kind + (name == null ? "" : " '" + name + "'") + (kind.equals("replace") ? " #" + at : "") + ": "
                    + shown;
        }
    }

    // --- headers, paths and query strings ------------------------------------------------------------------------

    @Property(tries = 200)
    void aHostileHeaderIsAnsweredCleanly(
            @ForAll("allEndpoints") Endpoint endpoint,
            @ForAll("headerNames") String header,
            @ForAll("headerValues") byte[] value) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        String line = endpoint.method() + " " + endpoint.path() + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n";
        request.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
        Map<String, String> base = headers(endpoint.key());
        base.forEach((name, v) -> {
            if (!name.equalsIgnoreCase(header)) {
                request.writeBytes((name + ": " + v + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        });
        request.writeBytes((header + ": ").getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(value);
        request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] body = endpoint.body() == null ? new byte[0] : endpoint.body().getBytes(StandardCharsets.UTF_8);
        if (endpoint.body() != null && !header.equalsIgnoreCase("Content-Length")) {
            request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        assertWellBehaved(
                http.sendRaw(request.toByteArray()),
                endpoint + " with " + header + ": "
                        + new String(value, 0, Math.min(80, value.length), StandardCharsets.ISO_8859_1));
    }

    @Provide
    Arbitrary<Endpoint> allEndpoints() {
        return Arbitraries.of(allEndpoints);
    }

    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.of(
                "X-User-Id",
                "X-Project-Id",
                "Authorization",
                "Content-Type",
                "Accept",
                "Content-Encoding",
                "Transfer-Encoding",
                "X-Forwarded-For",
                "Forwarded",
                "Content-Length",
                "Expect",
                "X-Weird\u0001");
    }

    @Provide
    Arbitrary<byte[]> headerValues() {
        List<byte[]> values = new ArrayList<>();
        for (String text : List.of(
                "",
                " ",
                "a\u0001b",
                "a\tb",
                "\u007f",
                "Bearer ",
                "Bearer gws_x",
                "bearer",
                "gzip",
                "chunked",
                "text/plain",
                "application/json; charset=utf-16",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "-1",
                "99999999999999999999",
                "100-continue",
                "alice@example.com",
                "x".repeat(129),
                "x".repeat(10_000),
                "x".repeat(70_000),
                "not-a-project",
                "unknown, 10.0.0.1",
                "for=\"[::1\"",
                "*/*;q=abc")) {
            values.add(text.getBytes(StandardCharsets.ISO_8859_1));
        }
        values.add("alice\u00e9".getBytes(StandardCharsets.UTF_8));
        values.add(new byte[] {'a', 0, 'b'});
        values.add(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        values.add(new byte[] {'a', '\r', 'b'});
        return Arbitraries.of(values);
    }

    @Property(tries = 200)
    void aHostilePathOrQueryIsAnsweredCleanly(
            @ForAll("allEndpoints") Endpoint endpoint, @ForAll("pathChanges") String change) {
        String path = endpoint.path();
        String target = change.startsWith("?") || change.startsWith("&")
                ? path + (path.contains("?") ? "&" : "?") + change.substring(1)
                : path.replaceFirst("(/[^/?]*)(\\?|$)", "$1" + Matcher.quoteReplacement(change) + "$2");
        byte[] body = endpoint.body() == null ? null : endpoint.body().getBytes(StandardCharsets.UTF_8);
        assertWellBehaved(
                http.send(endpoint.method(), target, headers(endpoint.key()), body),
                endpoint + " as " + (target.length() > 200 ? target.substring(0, 200) + "..." : target));
    }

    @Provide
    Arbitrary<String> pathChanges() {
        return Arbitraries.of(
                "%00",
                "%zz",
                "%",
                "%2e%2e",
                "/..",
                "/../admin/v1/users",
                "%2F",
                "%2f..%2f",
                ";jsessionid=1",
                "/",
                "//",
                "\\",
                "%5c",
                "%c0%ae",
                "%ed%a0%80",
                "\u00e9",
                "/%00/x",
                "?limit=%00",
                "?limit=-1",
                "?limit=99999999999999999999",
                "?limit=abc",
                "&after=%00",
                "&after=%ed%a0%80",
                "&from=%00",
                "&from=99999999999999999999",
                "&to=1e999",
                "&group_by=%00",
                "&group_by=bogus",
                "&order=sideways",
                "&target_id=%00",
                "&project_id=%00",
                "&filter=%00",
                "?%00=1",
                "?a=%zz",
                "?" + "a=1&".repeat(2000),
                "/" + "x".repeat(20_000),
                "?q=" + "y".repeat(10_000));
    }

    // --- multipart -----------------------------------------------------------------------------------------------

    @Property(tries = 120)
    void aBrokenUploadIsAnsweredCleanly(@ForAll("multiparts") Multipart multipart) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + serviceKey);
        headers.put("X-User-Id", "alice");
        headers.put("Content-Type", multipart.contentType());
        assertWellBehaved(http.send("POST", "/v1/files", headers, multipart.body()), multipart.toString());
    }

    /** A multipart upload, well-formed or not. */
    record Multipart(String label, String contentType, byte[] body) {

        @Override
        public String toString() {
            return "upload " + label;
        }
    }

    @Provide
    Arbitrary<Multipart> multiparts() {
        Arbitrary<String> filenames = Arbitraries.of(
                "a.txt",
                "a\u0000.txt",
                "../../etc/passwd",
                "",
                "x".repeat(10_000) + ".txt",
                "\ud800.txt",
                "a\".txt",
                "a\r\nX-Injected: 1",
                "é.md",
                "a.pdf");
        Arbitrary<String> purposes = Arbitraries.of("assistants", "", "batch", "assist\u0000ants", "x".repeat(5000));
        Arbitrary<byte[]> contents = Arbitraries.of(
                new byte[0],
                "hello".getBytes(StandardCharsets.UTF_8),
                new byte[] {0, 1, 2, (byte) 0xFF},
                "%PDF-1.4 broken".getBytes(StandardCharsets.UTF_8),
                "<html><body>\u0000</body></html>".getBytes(StandardCharsets.UTF_8));
        Arbitrary<Integer> shapes = Arbitraries.integers().between(0, 9);
        return Combinators.combine(filenames, purposes, contents, shapes).as(HostileInputIT::multipart);
    }

    private static Multipart multipart(String filename, String purpose, byte[] content, int shape) {
        String boundary = "gw-boundary-1";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Consumer<String> text = s -> body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        if (shape != 3) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose
                    + "\r\n");
        }
        if (shape != 4) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + (shape == 5 ? "\u0000/x" : "text/plain") + "\r\n\r\n");
            body.writeBytes(content);
            text.accept("\r\n");
        }
        if (shape == 6) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.txt\""
                    + "\r\n\r\nsecond\r\n");
        }
        if (shape != 7) {
            text.accept("--" + boundary + "--\r\n");
        }
        byte[] bytes = body.toByteArray();
        if (shape == 8) {
            bytes = Arrays.copyOf(bytes, bytes.length / 2);
        }
        String contentType = switch (shape) {
            case 1 -> "multipart/form-data";
            case 2 -> "multipart/form-data; boundary=other";
            case 9 -> "multipart/form-data; boundary=\"" + "b".repeat(200) + "\"";
            default -> "multipart/form-data; boundary=" + boundary;
        };
        return new Multipart(
                "shape " + shape + " filename " + filename.substring(0, Math.min(40, filename.length())) + " purpose "
                        + purpose.substring(0, Math.min(20, purpose.length())),
                contentType,
                bytes);
    }

    @Example
    void aControlCharacterInAHeaderOrAParameterIsRefusedBeforeAnyHandlerReadsIt() {
        // U+0085 passes Netty's decoder (a byte of obs-text) and is a control character: the firewall's to refuse
        Map<String, String> header = headers(serviceKey);
        header.put("X-Note", "a\u0085b");
        RawHttp.Response refused = http.send("GET", "/v1/models", header, null);
        assertWellBehaved(refused, "X-Note with U+0085");
        assertThat(refused.status()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("code").stringValue()).isEqualTo("invalid_header");
        assertThat(error.path("message").stringValue()).contains("\"X-Note\"").doesNotContain("\u0085");

        // /v1/models reads no parameter: the firewall checks them all the same
        RawHttp.Response parameter = http.send("GET", "/v1/models?note=a%01b", headers(serviceKey), null);
        assertWellBehaved(parameter, "note=a%01b");
        assertThat(parameter.status()).isEqualTo(400);
        assertThat(JSON.readTree(parameter.body()).path("error").path("message").stringValue())
                .contains("\"note\"");

        assertThat(http.send("GET", "/v1/models?note=fine", headers(serviceKey), null)
                        .status())
                .isEqualTo(200);
    }

    // --- sizes ---------------------------------------------------------------------------------------------------

    @Example
    void aBodyOverTheLimitIsA413WithTheOpenAiBody() {
        byte[] body = ("{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "x".repeat(4 * 1024 * 1024) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = http.send("POST", "/v1/chat/completions", headers(serviceKey), body);
        assertThat(response.status()).isEqualTo(413);
        assertWellBehaved(response, "4 MB body");
    }

    // --- framing -------------------------------------------------------------------------------------------------

    @Example
    void aRequestThatIsNotHttpOneIsRefusedWithTheOpenAiBody() {
        Map<String, String> requests = Map.of(
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "http_version_not_supported",
                "GET /v1/models HTTP/3.0\r\nHost: x\r\n\r\n", "http_version_not_supported",
                "GET /v1/models\r\n\r\n", "malformed_request",
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n", "malformed_request");
        requests.forEach((request, code) -> {
            RawHttp.Response response = http.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            assertWellBehaved(response, request.strip());
            assertThat(response.status()).as(request.strip()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).path("error").path("code").stringValue())
                    .isEqualTo(code);
        });
    }

    @Example
    void aBrokenChunkedBodyIsRefusedWithTheOpenAiBodyAndLeavesNoRecord() {
        String body = "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + serviceKey
                + "\r\nX-User-Id: alice\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String chunks : List.of(
                "zz\r\n" + body + "\r\n0\r\n\r\n",
                Integer.toHexString(body.length()) + "\r\n" + body + "\r\nzz\r\n0\r\n\r\n",
                "ffffffffffffffffffff\r\n" + body + "\r\n0\r\n\r\n")) {
            RawHttp.Response response = http.sendRaw((head + chunks).getBytes(StandardCharsets.ISO_8859_1));
            assertWellBehaved(response, chunks);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.headers()).doesNotContainKey("x-request-id");
            assertThat(JSON.readTree(response.body()).path("error").path("code").stringValue())
                    .isEqualTo("malformed_request");
        }
        // without a key the gateway may have answered 401 before the broken chunk was read: one answer, either way
        String anonymous = head.replace("Authorization: Bearer " + serviceKey + "\r\n", "");
        RawHttp.Response response = http.sendRaw((anonymous + "zz\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(response.status()).isIn(400, 401);
        assertWellBehaved(response, "a broken body without a key");
        assertThat(response.text()).as("a single answer").doesNotContain("HTTP/1.1");
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static Map<String, String> headers(String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (key != null) {
            headers.put("Authorization", "Bearer " + key);
        }
        headers.put("X-User-Id", "alice");
        headers.put("Content-Type", "application/json");
        return headers;
    }

    private static RawHttp.Response send(String method, String path, String key, String body) {
        return http.send(method, path, headers(key), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Response upload(String filename, byte[] content, String purpose) {
        Multipart multipart = multipart(filename, purpose, content, 0);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + serviceKey);
        headers.put("X-User-Id", "alice");
        headers.put("Content-Type", multipart.contentType());
        return http.send("POST", "/v1/files", headers, multipart.body());
    }

    /** Never a 5xx or a silent failure: an error is OpenAI's JSON body with a message, a type, a param and a code. */
    static void assertWellBehaved(RawHttp.Response response, String what) {
        assertThat(response.status()).as("an answer to " + what).isBetween(200, 499);
        if (response.status() < 400) {
            return;
        }
        assertThat(response.body()).as("the error body of " + what).isNotEmpty();
        assertThat(response.headers().get("content-type")).as(what).startsWith("application/json");
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("message").isString()
                        && !error.path("message").stringValue().isBlank())
                .as("error.message of " + what + ": " + response.text())
                .isTrue();
        assertThat(error.path("type").isString())
                .as("error.type of " + what + ": " + response.text())
                .isTrue();
        assertThat(error.has("param") && error.has("code"))
                .as("error.param and code of " + what)
                .isTrue();
        if (response.status() == 401) {
            assertThat(response.headers()).as(what).containsKey("www-authenticate");
        }
    }

    private static byte[] replace(byte[] text, byte[] marker, byte[] value) {
        for (int i = 0; i <= text.length - marker.length; i++) {
            if (Arrays.equals(text, i, i + marker.length, marker, 0, marker.length)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(text, 0, i);
                out.writeBytes(value);
                out.write(text, i + marker.length, text.length - i - marker.length);
                return out.toByteArray();
            }
        }
        return text;
    }
}
