package io.llmgateway.deploy;

import static io.llmgateway.deploy.HelmChart.FULLNAME;
import static io.llmgateway.deploy.HelmChart.testResource;
import static io.llmgateway.deploy.RenderedManifestsTests.env;
import static io.llmgateway.deploy.RenderedManifestsTests.gatewayContainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The ConfigMap (the gateway's application.yml), the Secrets, and how the pods see them. */
class ConfigAndSecretsTests {

    /** The fake secret values of values-inline-secrets.yaml. */
    private static final List<String> FAKE_SECRETS = List.of(
            "sk-test-provider-secret-123",
            "gwa_test-admin-token-secret-456",
            "oidc-test-client-secret-345",
            "db-test-password-secret-789",
            "redis-test-password-secret-012");

    private static final List<Path> INLINE = List.of(testResource("values-inline-secrets.yaml"));

    @Test
    void noSecretValueReachesAConfigMapOrAnyOtherNonSecretResource() {
        // Hooks included: the migration Job and its Secret are rendered too.
        var rendered = HelmChart.renderWithHooks(INLINE, Map.of());
        assertThat(rendered.all(ConfigMap.class)).isNotEmpty();

        for (String document : rendered.documentsExceptKind("Secret")) {
            for (String secret : FAKE_SECRETS) {
                assertThat(document).doesNotContain(secret).doesNotContain(base64(secret));
            }
        }
        for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
            String data = String.join("\n", configMap.getData().values());
            FAKE_SECRETS.forEach(secret -> assertThat(data).doesNotContain(secret));
        }
        // The values are really there, in Secrets only (so the absence above is not vacuous).
        String secretValues = rendered.all(Secret.class).stream()
                .flatMap(s -> s.getData().values().stream())
                .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8))
                .collect(Collectors.joining("\n"));
        assertThat(secretValues).contains(FAKE_SECRETS);
    }

    @Test
    void theConfigMapNamesTheSecretFilesThePodMounts() {
        var rendered = HelmChart.render(INLINE, Map.of());
        Map<String, Object> app =
                HelmChart.parseYaml(rendered.one(ConfigMap.class).getData().get("application.yml"));
        Map<String, Object> gateway = map(app.get("gateway"));

        Map<String, Object> nvidia = map(map(gateway.get("deployments")).get("nvidia"));
        assertThat(nvidia)
                .containsEntry("api-key-file", "/etc/llm-gateway/secrets/providers/nvidia")
                .containsEntry("base-url", "https://integrate.api.nvidia.com/v1")
                .doesNotContainKey("api-key");
        assertThat(map(gateway.get("auth"))).containsEntry("admin-token-file", "/etc/llm-gateway/secrets/admin-token");
        assertThat(map(map(gateway.get("console")).get("oidc")))
                .containsEntry("issuer-uri", "https://keycloak.example.com/realms/acme")
                .containsEntry("client-id", "llm-gateway")
                .containsEntry("client-secret-file", "/etc/llm-gateway/secrets/oidc-client-secret")
                .doesNotContainKey("client-secret");
        assertThat(map(gateway.get("database")))
                .containsEntry(
                        "url", "jdbc:postgresql://postgres.db.svc.cluster.local:5432/llm_gateway?sslmode=require")
                .containsEntry("password-file", "/etc/llm-gateway/secrets/database-password")
                .doesNotContainKey("password");
        assertThat(map(gateway.get("limits"))).containsEntry("backend", "redis");
        // The Redis URL may carry the password: it is an environment variable, not a property of the ConfigMap.
        assertThat(map(map(gateway.get("limits")).get("redis"))).doesNotContainKey("url");
        assertThat(map(app.get("spring"))).doesNotContainKey("data");

        // The projected secret volume provides exactly those files, from the chart's Secret.
        Deployment deployment = rendered.one(Deployment.class);
        var volumes = deployment.getSpec().getTemplate().getSpec().getVolumes();
        var secrets = volumes.stream()
                .filter(v -> v.getName().equals("secrets"))
                .findFirst()
                .orElseThrow();
        Map<String, String> pathToSecretKey = secrets.getProjected().getSources().stream()
                .map(VolumeProjection::getSecret)
                .flatMap(s -> s.getItems().stream().map(i -> Map.entry(i.getPath(), s.getName() + "/" + i.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(pathToSecretKey)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "providers/nvidia", FULLNAME + "/provider-nvidia",
                        "admin-token", FULLNAME + "/admin-token",
                        "oidc-client-secret", FULLNAME + "/oidc-client-secret",
                        "database-password", FULLNAME + "/database-password"));
        Secret secret = rendered.one(Secret.class);
        assertThat(secret.getData())
                .containsKeys(
                        "provider-nvidia", "admin-token", "oidc-client-secret", "database-password", "redis-password");
        Container gateway2 = gatewayContainer(deployment);
        assertThat(gateway2.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("secrets");
            assertThat(m.getMountPath()).isEqualTo("/etc/llm-gateway/secrets");
            assertThat(m.getReadOnly()).isTrue();
        });
        EnvVar redisPassword = gateway2.getEnv().stream()
                .filter(e -> e.getName().equals("GATEWAY_REDIS_PASSWORD"))
                .findFirst()
                .orElseThrow();
        assertThat(redisPassword.getValue()).isNull();
        assertThat(redisPassword.getValueFrom().getSecretKeyRef().getName()).isEqualTo(FULLNAME);
        assertThat(redisPassword.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("redis-password");
    }

    @Test
    void modelsAndDeploymentsBecomeKebabCaseGatewayProperties() {
        var rendered = HelmChart.render(testResource("values-all-on.yaml"));
        Map<String, Object> app =
                HelmChart.parseYaml(rendered.one(ConfigMap.class).getData().get("application.yml"));
        Map<String, Object> gateway = map(app.get("gateway"));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> models = (List<Map<String, Object>>) gateway.get("models");
        assertThat(models)
                .extracting(m -> m.get("id"))
                .containsExactly(
                        "meta/llama-3.1-8b-instruct", "acme/llama-ft", "gpt-4o-mini", "mock-echo", "nv-embedqa");
        assertThat(models.get(0))
                .containsEntry("deployment", "nvidia")
                .containsEntry("owned-by", "nvidia")
                .containsEntry("profile", "nim-llama")
                .containsEntry("context-length", 131072)
                .containsEntry("tokenizer", "/models/llama-3.1/tokenizer.json");
        assertThat(models.get(2)).containsEntry("tokenizer", "o200k_base");
        assertThat(models.get(1)).as("no tokenizer: the gateway's default").doesNotContainKey("tokenizer");
        // Bracketed so Spring keeps "top_p" as it is instead of binding "topp".
        assertThat(map(models.get(0).get("defaults"))).isEqualTo(Map.of("[temperature]", "0.2", "[top_p]", "0.9"));

        Map<String, Object> deployments = map(gateway.get("deployments"));
        assertThat(map(deployments.get("openai")))
                .containsEntry("stream-usage", false)
                .doesNotContainKey("continuous-usage");
        assertThat(map(deployments.get("vllm"))).containsEntry("continuous-usage", true);
        assertThat(map(map(map(deployments.get("octo-pool")).get("octo")).get("peft-models")))
                .isEqualTo(Map.of("[org/a1]", "llama-ft-a1"));
        assertThat(map(map(deployments.get("nvidia")).get("timeouts")))
                .isEqualTo(Map.of("connect", "3s", "first-byte", "90s", "between-chunks", "30s"));
        assertThat(map(gateway.get("http"))).containsEntry("max-body-size", "8MB");
        assertThat(map(gateway.get("auth")))
                .containsEntry("failure-limit", 10)
                .containsEntry("failure-window", "2m")
                .containsEntry("cache-max-stale", "30m");
        assertThat(rendered.one(ConfigMap.class).getData().get("extra.yml")).contains("io.llmgateway: debug");
    }

    @Test
    void behindTheChartsIngressTheIngressControllersNetworksAreTrustedProxies() {
        Map<String, Object> withIngress =
                map(map(HelmChart.parseYaml(HelmChart.render(testResource("values-all-on.yaml"))
                                        .one(ConfigMap.class)
                                        .getData()
                                        .get("application.yml"))
                                .get("gateway"))
                        .get("http"));
        assertThat(withIngress.get("trusted-proxies"))
                .isEqualTo(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"));

        Map<String, Object> chosen = map(map(HelmChart.parseYaml(HelmChart.render(
                                        List.of(testResource("values-all-on.yaml")),
                                        Map.of("config.http.trustedProxies[0]", "10.42.7.0/24"))
                                .one(ConfigMap.class)
                                .getData()
                                .get("application.yml"))
                        .get("gateway"))
                .get("http"));
        assertThat(chosen.get("trusted-proxies")).isEqualTo(List.of("10.42.7.0/24"));

        Map<String, Object> noIngress = map(map(HelmChart.parseYaml(HelmChart.render()
                                .one(ConfigMap.class)
                                .getData()
                                .get("application.yml"))
                        .get("gateway"))
                .get("http"));
        assertThat(noIngress).as("no proxy is trusted without one").doesNotContainKey("trusted-proxies");
    }

    @Test
    void existingSecretsAreReferencedAndTheChartCreatesNone() {
        var rendered = HelmChart.render(testResource("values-all-on.yaml"));
        assertThat(rendered.all(Secret.class)).isEmpty();
        Deployment deployment = rendered.one(Deployment.class);
        String volumes =
                deployment.getSpec().getTemplate().getSpec().getVolumes().toString();
        assertThat(volumes).contains("llm-provider-keys", "llm-admin-token", "llm-database");
        var redis = gatewayContainer(deployment).getEnv().stream()
                .filter(e -> e.getName().equals("GATEWAY_REDIS_PASSWORD"))
                .findFirst()
                .orElseThrow();
        assertThat(redis.getValueFrom().getSecretKeyRef().getName()).isEqualTo("llm-redis");
        assertThat(redis.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
    }

    @Test
    void theConfigMapIsLoadedByTheGateway() {
        Container gateway = gatewayContainer(
                HelmChart.render(testResource("values-all-on.yaml")).one(Deployment.class));
        assertThat(env(gateway, "SPRING_CONFIG_ADDITIONAL_LOCATION"))
                .isEqualTo("file:/etc/llm-gateway/config/application.yml,file:/etc/llm-gateway/config/extra.yml");
        assertThat(gateway.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("config");
            assertThat(m.getMountPath()).isEqualTo("/etc/llm-gateway/config");
        });
    }

    @Test
    void checksumConfigChangesWhenAConfigValueChanges() {
        Map<String, String> before = podAnnotations(Map.of());
        Map<String, String> same = podAnnotations(Map.of());
        Map<String, String> changed = podAnnotations(Map.of("config.http.maxBodySize", "8MB"));

        assertThat(before.get("checksum/config")).matches("[0-9a-f]{64}");
        assertThat(same.get("checksum/config")).isEqualTo(before.get("checksum/config"));
        assertThat(changed.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
        assertThat(changed.get("checksum/secret")).isEqualTo(before.get("checksum/secret"));
    }

    @Test
    void checksumSecretChangesWhenAChartManagedSecretChanges() {
        Map<String, String> before = podAnnotations(Map.of("adminToken.value", "gwa_one"));
        Map<String, String> changed = podAnnotations(Map.of("adminToken.value", "gwa_two"));
        assertThat(changed.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
        assertThat(changed.get("checksum/config")).isEqualTo(before.get("checksum/config"));
    }

    @Test
    void aModelOnAnUndefinedDeploymentIsRefused() {
        Assertions.assertThatThrownBy(() -> HelmChart.template(
                        List.of(), Map.of("config.models[0].id", "x", "config.models[0].deployment", "nowhere")))
                .hasMessageContaining("nowhere");
    }

    private static Map<String, String> podAnnotations(Map<String, String> sets) {
        return HelmChart.render(List.of(), sets)
                .one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
