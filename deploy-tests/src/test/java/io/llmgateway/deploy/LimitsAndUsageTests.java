package io.llmgateway.deploy;

import static io.llmgateway.deploy.HelmChart.FULLNAME;
import static io.llmgateway.deploy.HelmChart.testResource;
import static io.llmgateway.deploy.RenderedManifestsTests.env;
import static io.llmgateway.deploy.RenderedManifestsTests.gatewayContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rate limits, budgets and the usage ledger: gateway.limits.*, gateway.usage.ledger.*, gateway.metrics.* and model
 * prices in the ConfigMap, the Redis URL in the pod's environment (its password from a Secret), and the combinations
 * the chart refuses.
 */
class LimitsAndUsageTests {

    private static final String URL_ENV = "GATEWAY_LIMITS_REDIS_URL";
    private static final String PASSWORD_ENV = "GATEWAY_REDIS_PASSWORD";

    /** Several replicas on an external database and a Redis without a password. */
    private static final Map<String, String> REDIS_WITHOUT_PASSWORD = Map.of(
            "replicaCount", "2",
            "externalDatabase.host", "postgres.db",
            "externalRedis.host", "redis.cache",
            "config.limits.backend", "redis");

    @Test
    void theDefaultsAreTheGatewaysOwnInItsPropertyNames() {
        var rendered = HelmChart.render();
        Map<String, Object> gateway = gatewayProperties(rendered);

        assertThat(map(gateway.get("limits")))
                .containsEntry("backend", "in-process")
                .containsEntry("on-backend-failure", "fail-closed")
                .containsEntry("default-max-tokens", 4096)
                .containsEntry("cache-ttl", "5m")
                .containsEntry("lease-duration", "15m");
        assertThat(map(map(gateway.get("limits")).get("redis")))
                .isEqualTo(Map.of("key-prefix", "llmgw:", "command-timeout", "250ms"));
        assertThat(map(map(gateway.get("usage")).get("ledger")))
                .isEqualTo(Map.of(
                        "flush-interval",
                        "200ms",
                        "batch-size",
                        500,
                        "buffer-capacity",
                        200000,
                        "write-timeout",
                        "10s",
                        "shutdown-timeout",
                        "20s"));
        assertThat(map(gateway.get("metrics"))).isEqualTo(Map.of("caller-tags", false));
        assertThat(map(gateway.get("warm-up"))).isEqualTo(Map.of("requests", 1000, "timeout", "60s"));
        assertThat(map(gateway.get("retrieval")))
                .as("search-threads and system-template keep the gateway's defaults")
                .isEqualTo(Map.of(
                        "max-file-size",
                        "20MB",
                        "ingest-threads",
                        1,
                        "queue-capacity",
                        10000,
                        "max-attempts",
                        3,
                        "embed-batch-size",
                        32,
                        "sync-timeout",
                        "10s"));
        // No Redis: no URL at all.
        Container container = gatewayContainer(rendered.one(Deployment.class));
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain(URL_ENV, PASSWORD_ENV);
    }

    @Test
    void everyLimitsAndLedgerValueReachesTheGateway() {
        Map<String, Object> gateway = gatewayProperties(HelmChart.render(testResource("values-all-on.yaml")));

        assertThat(map(gateway.get("limits")))
                .containsEntry("backend", "redis")
                .containsEntry("on-backend-failure", "fail-open")
                .containsEntry("default-max-tokens", 2048)
                .containsEntry("cache-ttl", "1m")
                .containsEntry("lease-duration", "20m");
        assertThat(map(map(gateway.get("limits")).get("redis")))
                .isEqualTo(Map.of("key-prefix", "gw-test:", "command-timeout", "100ms"));
        assertThat(map(map(gateway.get("usage")).get("ledger")))
                .isEqualTo(Map.of(
                        "flush-interval",
                        "500ms",
                        "batch-size",
                        250,
                        "buffer-capacity",
                        50000,
                        "write-timeout",
                        "5s",
                        "shutdown-timeout",
                        "15s"));
        assertThat(map(gateway.get("metrics"))).isEqualTo(Map.of("caller-tags", true));
        assertThat(map(gateway.get("warm-up"))).isEqualTo(Map.of("requests", 250, "timeout", "20s"));
        assertThat(map(gateway.get("retrieval")))
                .isEqualTo(Map.of(
                        "max-file-size",
                        "50MB",
                        "ingest-threads",
                        2,
                        "search-threads",
                        4,
                        "queue-capacity",
                        500,
                        "max-attempts",
                        5,
                        "embed-batch-size",
                        16,
                        "sync-timeout",
                        "5s",
                        "system-template",
                        "Answer from these sources only:\n{sources}",
                        "embedding-model",
                        "nv-embedqa"));
    }

    @Test
    void aModelsTypeReachesTheGatewayAndAnUnknownTypeIsRefused() {
        Map<String, Object> gateway = gatewayProperties(HelmChart.render(testResource("values-all-on.yaml")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> models = (List<Map<String, Object>>) gateway.get("models");

        assertThat(models.get(4)).containsEntry("id", "nv-embedqa").containsEntry("type", "embedding");
        assertThat(models.get(0)).as("chat is the gateway's default").doesNotContainKey("type");
        assertThatThrownBy(() -> HelmChart.render(
                        List.of(),
                        Map.of(
                                "config.models[0].id",
                                "x",
                                "config.models[0].deployment",
                                "mock",
                                "config.models[0].type",
                                "completion")))
                .hasMessageContaining("type");
    }

    @Test
    void aSystemTemplateWithoutTheSourcesPlaceholderIsRefused() {
        assertThatThrownBy(() -> HelmChart.render(List.of(), Map.of("config.retrieval.systemTemplate", "no sources")))
                .hasMessageContaining("systemTemplate");
    }

    @Test
    void pricesBecomeTheModelsPriceProperties() {
        Map<String, Object> gateway = gatewayProperties(HelmChart.render(testResource("values-all-on.yaml")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> models = (List<Map<String, Object>>) gateway.get("models");

        assertThat(map(models.get(0).get("price")))
                .isEqualTo(Map.of("input-per-million", 0.18, "output-per-million", 0.18));
        // A decimal string stays a string (Spring binds it to BigDecimal exactly).
        assertThat(map(models.get(2).get("price")))
                .isEqualTo(Map.of(
                        "input-per-million", 0.15, "output-per-million", 0.6, "cached-input-per-million", "0.075"));
        // No price: no property, and the gateway counts the model as free.
        assertThat(models.get(1)).doesNotContainKey("price");
    }

    @Test
    void theRedisUrlIsBuiltFromHostPortDatabaseTlsAndUserWithThePasswordFromTheExistingSecret() {
        Container container = gatewayContainer(
                HelmChart.render(testResource("values-all-on.yaml")).one(Deployment.class));

        EnvVar password = envVar(container, PASSWORD_ENV);
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-redis");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        // tls: true, port 6380, database 1, username gateway.
        assertThat(env(container, URL_ENV))
                .isEqualTo("rediss://gateway:$(GATEWAY_REDIS_PASSWORD)@redis.cache.svc.cluster.local:6380/1");
        assertPasswordDeclaredBeforeTheUrl(container);
    }

    @Test
    void anInlineRedisPasswordIsReadFromTheChartsSecretAndExpandedByKubernetes() {
        var rendered = HelmChart.render(testResource("values-inline-secrets.yaml"));
        Container container = gatewayContainer(rendered.one(Deployment.class));

        EnvVar password = envVar(container, PASSWORD_ENV);
        assertThat(password.getValue()).isNull();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo(FULLNAME);
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("redis-password");
        assertThat(env(container, URL_ENV))
                .isEqualTo("redis://:$(GATEWAY_REDIS_PASSWORD)@redis.cache.svc.cluster.local:6379/0");
        assertPasswordDeclaredBeforeTheUrl(container);

        // The literal password is in no ConfigMap and not in the pod spec.
        String password012 = "redis-test-password-secret-012";
        for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
            assertThat(String.join("\n", configMap.getData().values()))
                    .doesNotContain(password012)
                    .doesNotContain("redis://")
                    .doesNotContain("spring.data.redis");
        }
        assertThat(rendered.documentsExceptKind("Secret"))
                .allSatisfy(doc -> assertThat(doc).doesNotContain(password012));
    }

    @Test
    void aRedisWithoutAPasswordGetsAUrlWithoutUserInfo() {
        Container container = gatewayContainer(
                HelmChart.render(List.of(), REDIS_WITHOUT_PASSWORD).one(Deployment.class));
        assertThat(env(container, URL_ENV)).isEqualTo("redis://redis.cache:6379/0");
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain(PASSWORD_ENV);

        Map<String, String> tls = new HashMap<>(REDIS_WITHOUT_PASSWORD);
        tls.put("externalRedis.tls", "true");
        tls.put("externalRedis.database", "3");
        assertThat(env(gatewayContainer(HelmChart.render(List.of(), tls).one(Deployment.class)), URL_ENV))
                .isEqualTo("rediss://redis.cache:6379/3");
    }

    @Test
    void theTemplatesRefuseARedisBackendWithoutAHost() {
        // The schema refuses it too (ValuesSchemaTests); the templates' own message, without the schema:
        Path chart = HelmChart.copyWithoutSchema();
        assertThatThrownBy(() -> HelmChart.template(chart, List.of(), Map.of("config.limits.backend", "redis")))
                .hasMessageContaining("config.limits.backend: redis needs a Redis server: set externalRedis.host");
        assertThatThrownBy(() -> HelmChart.template(List.of(), Map.of("config.limits.backend", "redis")))
                .hasMessageContaining("externalRedis/host");
    }

    @Test
    void theTemplatesRefuseInProcessLimitsWithSeveralReplicasOrAutoscaling() {
        Path chart = HelmChart.copyWithoutSchema();
        assertThatThrownBy(() -> HelmChart.template(
                        chart, List.of(), Map.of("replicaCount", "2", "externalDatabase.host", "postgres.db")))
                .hasMessageContaining("config.limits.backend: in-process")
                .hasMessageContaining("2 replicas would admit 2 times every limit and budget");
        assertThatThrownBy(() -> HelmChart.template(
                        chart,
                        List.of(),
                        Map.of("autoscaling.enabled", "true", "externalDatabase.host", "postgres.db")))
                .hasMessageContaining("config.limits.backend: in-process")
                .hasMessageContaining("autoscaling");
        // With the schema, Helm refuses it before the templates run.
        assertThatThrownBy(() -> HelmChart.template(
                        List.of(), Map.of("replicaCount", "2", "externalDatabase.host", "postgres.db")))
                .hasMessageContaining("/replicaCount");
        // One replica in-process, or several on Redis, render.
        assertThat(HelmChart.render(List.of(), Map.of("externalDatabase.host", "postgres.db"))
                        .one(Deployment.class)
                        .getSpec()
                        .getReplicas())
                .isEqualTo(1);
        assertThat(HelmChart.render(List.of(), REDIS_WITHOUT_PASSWORD)
                        .one(Deployment.class)
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2);
    }

    @Test
    void aRedisUserWithoutAPasswordIsRefused() {
        Map<String, String> sets = new HashMap<>(REDIS_WITHOUT_PASSWORD);
        sets.put("externalRedis.username", "gateway");
        assertThatThrownBy(() -> HelmChart.template(List.of(), sets))
                .hasMessageContaining("externalRedis.username needs a password");
    }

    private static void assertPasswordDeclaredBeforeTheUrl(Container container) {
        // Kubernetes expands $(VAR) only from variables declared earlier in the list.
        List<String> names = container.getEnv().stream().map(EnvVar::getName).toList();
        assertThat(names.indexOf(PASSWORD_ENV)).isNotNegative().isLessThan(names.indexOf(URL_ENV));
    }

    private static EnvVar envVar(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static Map<String, Object> gatewayProperties(HelmChart.Rendered rendered) {
        return map(HelmChart.parseYaml(rendered.one(ConfigMap.class).getData().get("application.yml"))
                .get("gateway"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
