package io.llmgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json refuses what it must, through Helm itself (lint and template). */
class ValuesSchemaTests {

    private static final String SCHEMA_ERROR = "values don't meet the specifications of the schema";

    @Test
    void aWrongTypeIsRejected() {
        assertRejected(Map.of("replicaCount", "two"), "/replicaCount", "want integer");
    }

    @Test
    void anUnknownTopLevelKeyIsRejected() {
        assertRejected(Map.of("foo", "bar"), "additional properties 'foo' not allowed");
    }

    @Test
    void anUnknownNestedKeyIsRejected() {
        assertRejected(
                Map.of("externalDatabase", Map.of("hostname", "db")),
                "/externalDatabase",
                "additional properties 'hostname' not allowed");
    }

    @Test
    void theEmbeddedDatabaseWithTwoReplicasIsRejected() {
        assertRejected(Map.of("replicaCount", 2), "/replicaCount", "maximum");
    }

    @Test
    void theEmbeddedDatabaseWithAutoscalingIsRejected() {
        assertRejected(Map.of("autoscaling", Map.of("enabled", true)), "/autoscaling/enabled");
    }

    @Test
    void anExternalDatabaseAndRedisAllowSeveralReplicasAndAutoscaling() {
        Map<String, Object> values = Map.of(
                "replicaCount", 3,
                "autoscaling", Map.of("enabled", true),
                "externalDatabase", Map.of("host", "postgres.db"),
                "externalRedis", Map.of("host", "redis.cache"),
                "config", Map.of("limits", Map.of("backend", "redis")));
        LintResult result = HelmChart.lint(values);
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
    }

    @Test
    void aRedisLimitsBackendNeedsARedisHost() {
        assertRejected(Map.of("config", Map.of("limits", Map.of("backend", "redis"))), "/externalRedis/host");
    }

    @Test
    void inProcessLimitsWithSeveralReplicasOrAutoscalingAreRejected() {
        // An external database, so only the limits backend stands in the way.
        assertRejected(
                Map.of("replicaCount", 2, "externalDatabase", Map.of("host", "postgres.db")),
                "/replicaCount",
                "maximum");
        assertRejected(
                Map.of("autoscaling", Map.of("enabled", true), "externalDatabase", Map.of("host", "postgres.db")),
                "/autoscaling/enabled");
    }

    @Test
    void anUnknownLimitsBackendOrFailurePolicyIsRejected() {
        // "memory" was the chart's name for the in-process backend before the gateway had one.
        assertRejected(Map.of("config", Map.of("limits", Map.of("backend", "memory"))), "/config/limits/backend");
        assertRejected(
                Map.of("config", Map.of("limits", Map.of("onBackendFailure", "open"))),
                "/config/limits/onBackendFailure");
    }

    @Test
    void aRedisPasswordThatWouldBreakTheUrlIsRejected() {
        assertRejected(
                Map.of("externalRedis", Map.of("host", "redis.cache", "password", "p@ss/word")),
                "/externalRedis/password");
        LintResult encoded =
                HelmChart.lint(Map.of("externalRedis", Map.of("host", "redis.cache", "password", "p%40ss%2Fword")));
        assertThat(encoded.isFailed()).as("%s", encoded.getMessages()).isFalse();
    }

    @Test
    void aNegativeOrNonNumericPriceIsRejected() {
        Map<String, Object> negative = Map.of(
                "config",
                Map.of(
                        "models",
                        List.of(Map.of(
                                "id", "mock-echo", "deployment", "mock", "price", Map.of("inputPerMillion", -1)))));
        LintResult lint = HelmChart.lint(negative);
        assertThat(lint.isFailed()).isTrue();
        assertThat(String.join("\n", lint.getMessages())).contains("/config/models/0/price/inputPerMillion");
        assertThatThrownBy(() -> HelmChart.template(
                        List.of(),
                        Map.of(
                                "config.models[0].id",
                                "mock-echo",
                                "config.models[0].deployment",
                                "mock",
                                "config.models[0].price.outputPerMillion",
                                "cheap")))
                .hasMessageContaining(SCHEMA_ERROR)
                .hasMessageContaining("/config/models/0/price/outputPerMillion");
    }

    @Test
    void aTokenizerMustBeANonEmptyString() {
        for (Object tokenizer : List.of("", 100_000, List.of("cl100k_base"))) {
            LintResult lint = HelmChart.lint(Map.of(
                    "config",
                    Map.of(
                            "models",
                            List.of(Map.of("id", "mock-echo", "deployment", "mock", "tokenizer", tokenizer)))));
            assertThat(lint.isFailed()).as("tokenizer %s", tokenizer).isTrue();
            assertThat(String.join("\n", lint.getMessages())).contains("/config/models/0/tokenizer");
        }
    }

    @Test
    void theTemplatesRefuseTheEmbeddedDatabaseWithSeveralReplicasEvenWithoutTheSchema() {
        // Belt and braces: with the schema gone (or --skip-schema-validation) the templates still fail.
        var chart = HelmChart.copyWithoutSchema();
        assertThatThrownBy(() -> HelmChart.template(chart, List.of(), Map.of("replicaCount", "2")))
                .hasMessageContaining("embedded PostgreSQL")
                .hasMessageNotContaining(SCHEMA_ERROR);
        assertThatThrownBy(() -> HelmChart.template(chart, List.of(), Map.of("autoscaling.enabled", "true")))
                .hasMessageContaining("embedded PostgreSQL");
    }

    @Test
    void everyObjectOfTheSchemaIsClosed() throws IOException {
        JsonNode schema = new ObjectMapper()
                .readTree(HelmChart.CHART_DIR.resolve("values.schema.json").toFile());
        assertThat(schema.path("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");

        List<String> open = new ArrayList<>();
        collectOpenObjects(schema, "#", open);
        assertThat(open).as("objects that accept unknown keys").isEmpty();
    }

    @Test
    void theSchemaTypesEveryDefaultValue() {
        // Every key of values.yaml is declared in the schema (a closed schema would otherwise reject the defaults;
        // this also guards against a key documented in values.yaml but forgotten in the schema).
        assertThat(HelmChart.lint().isFailed()).isFalse();
    }

    /** Objects with properties must say additionalProperties: false; maps must type their values. */
    private static void collectOpenObjects(JsonNode node, String path, List<String> open) {
        if (node.isObject()) {
            boolean isObjectSchema = node.path("type").asText().equals("object") || node.has("properties");
            // if/then are partial schemas applied on top of the closed ones: they need not be closed themselves.
            boolean conditional = path.matches(".*/(if|then)(/.*)?");
            if (isObjectSchema && !conditional) {
                JsonNode additional = node.get("additionalProperties");
                boolean closed = additional != null
                        && (additional.isBoolean() ? !additional.asBoolean() : additional.isObject());
                if (!closed) {
                    open.add(path);
                }
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                collectOpenObjects(field.getValue(), path + "/" + field.getKey(), open);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectOpenObjects(node.get(i), path + "/" + i, open);
            }
        }
    }

    /** Both `helm lint --strict` and `helm template` refuse the values with a schema error naming the culprit. */
    private static void assertRejected(Map<String, Object> values, String... expectedInMessage) {
        LintResult lint = HelmChart.lint(values);
        assertThat(lint.isFailed()).as("lint should fail for %s", values).isTrue();
        assertThat(String.join("\n", lint.getMessages())).contains(expectedInMessage);

        Map<String, String> sets = new LinkedHashMap<>();
        flatten("", values, sets);
        assertThatThrownBy(() -> HelmChart.template(List.of(), sets))
                .hasMessageContaining(SCHEMA_ERROR)
                .hasMessageContainingAll(expectedInMessage);
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> values, Map<String, String> sets) {
        values.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                flatten(prefix + key + ".", (Map<String, Object>) map, sets);
            } else {
                sets.put(prefix + key, String.valueOf(value));
            }
        });
    }
}
