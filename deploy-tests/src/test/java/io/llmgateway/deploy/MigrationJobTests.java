package io.llmgateway.deploy;

import static io.llmgateway.deploy.HelmChart.FULLNAME;
import static io.llmgateway.deploy.HelmChart.HOOK;
import static io.llmgateway.deploy.HelmChart.testResource;
import static io.llmgateway.deploy.RenderedManifestsTests.env;
import static io.llmgateway.deploy.RenderedManifestsTests.gatewayContainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Migrations run in a pre-install/pre-upgrade hook Job; the gateway pods never migrate themselves. */
class MigrationJobTests {

    private static final List<Path> ALL_ON = List.of(testResource("values-all-on.yaml"));
    private static final List<Path> INLINE = List.of(testResource("values-inline-secrets.yaml"));

    @Test
    void theJobIsAPreInstallPreUpgradeHook() {
        Job job = HelmChart.renderWithHooks(ALL_ON, Map.of()).one(Job.class);
        assertThat(HelmChart.hookAnnotations(job))
                .containsEntry(HOOK, "pre-install,pre-upgrade")
                .containsEntry(HOOK + "-delete-policy", "before-hook-creation,hook-succeeded")
                .containsEntry(HOOK + "-weight", "0");
        assertThat(job.getSpec().getBackoffLimit()).isBetween(0, 3);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isPositive();
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void helmTreatsTheJobAsAHookNotAsAReleaseResource() {
        // Helm moves resources with a helm.sh/hook annotation out of the release manifest: the plain rendering has no
        // Job, which proves Helm parsed the annotation (not just that the text is there).
        assertThat(HelmChart.render(ALL_ON, Map.of()).all(Job.class)).isEmpty();
        assertThat(HelmChart.renderWithHooks(ALL_ON, Map.of()).all(Job.class)).hasSize(1);
    }

    @Test
    void theJobRunsMigrateOnlyAgainstTheExternalDatabase() {
        Job job = HelmChart.renderWithHooks(ALL_ON, Map.of()).one(Job.class);
        Container migrate =
                job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(migrate.getImage()).isEqualTo("registry.example.com/llm-gateway:0.1.0-test");
        assertThat(migrate.getCommand()).isNullOrEmpty(); // the image's entrypoint: the gateway itself
        assertThat(migrate.getArgs())
                .containsExactly(
                        "--spring.main.web-application-type=none",
                        "--gateway.database.migrate=true",
                        "--gateway.database.migrate-only=true");
        assertThat(env(migrate, "GATEWAY_DATABASE_MIGRATE_ONLY")).isEqualTo("true");
        assertThat(env(migrate, "GATEWAY_DATABASE_URL"))
                .isEqualTo("jdbc:postgresql://postgres.db.svc.cluster.local:5432/gateway?sslmode=verify-full");
        assertThat(env(migrate, "GATEWAY_DATABASE_USERNAME")).isEqualTo("gateway");
        assertThat(env(migrate, "GATEWAY_DATABASE_PASSWORD_FILE"))
                .isEqualTo("/etc/llm-gateway/secrets/database-password");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        // The existing Secret exists before the release, so the Job may use it directly.
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("secrets");
            assertThat(v.getSecret().getSecretName()).isEqualTo("llm-database");
            assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("db-password");
            assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("database-password");
        });
        // No ConfigMap of the release: it does not exist yet when a pre-install hook runs.
        assertThat(pod.getVolumes())
                .noneSatisfy(v -> assertThat(v.getConfigMap()).isNotNull());
        assertThat(pod.getServiceAccountName()).isEqualTo("llm-gateway-migrator");
    }

    @Test
    void theJobWaitsForTheDatabaseWithBash() {
        Job job = HelmChart.renderWithHooks(ALL_ON, Map.of()).one(Job.class);
        Container wait =
                job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertThat(wait.getCommand()).startsWith("bash", "-c");
        assertThat(wait.getCommand().get(2)).contains("/dev/tcp/");
        assertThat(env(wait, "DB_HOST")).isEqualTo("postgres.db.svc.cluster.local");
        assertThat(env(wait, "DB_PORT")).isEqualTo("5432");
    }

    @Test
    void aPasswordGivenAsAValueReachesTheJobThroughAnEarlierHookSecret() {
        var rendered = HelmChart.renderWithHooks(INLINE, Map.of());
        Job job = rendered.one(Job.class);
        Secret hookSecret = rendered.all(Secret.class).stream()
                .filter(s -> s.getMetadata().getName().equals(FULLNAME + "-migration"))
                .findFirst()
                .orElseThrow();

        Map<String, String> secretHooks = HelmChart.hookAnnotations(hookSecret);
        assertThat(secretHooks)
                .containsEntry(HOOK, "pre-install,pre-upgrade")
                .containsEntry(HOOK + "-delete-policy", "before-hook-creation,hook-succeeded");
        // Created before the Job.
        assertThat(Integer.parseInt(secretHooks.get(HOOK + "-weight")))
                .isLessThan(Integer.parseInt(HelmChart.hookAnnotations(job).get(HOOK + "-weight")));
        assertThat(hookSecret.getData()).containsOnlyKeys("database-password");

        var volume = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("secrets"))
                .findFirst()
                .orElseThrow();
        assertThat(volume.getSecret().getSecretName()).isEqualTo(FULLNAME + "-migration");
        // The chart's ServiceAccount does not exist yet at pre-install time.
        assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("default");
    }

    @Test
    void theGatewayPodsDoNotMigrateWhenTheJobDoes() {
        Container gateway = gatewayContainer(HelmChart.render(ALL_ON, Map.of()).one(Deployment.class));
        assertThat(env(gateway, "GATEWAY_DATABASE_MIGRATE")).isEqualTo("false");
        assertThat(gateway.getArgs()).isNullOrEmpty();
    }

    @Test
    void withoutTheJobTheGatewayPodsMigrate() {
        var rendered = HelmChart.renderWithHooks(ALL_ON, Map.of("migration.enabled", "false"));
        assertThat(rendered.all(Job.class)).isEmpty();
        assertThat(env(gatewayContainer(rendered.one(Deployment.class)), "GATEWAY_DATABASE_MIGRATE"))
                .isEqualTo("true");
    }

    @Test
    void theEmbeddedDatabaseHasNoJobAndMigratesInItsPod() {
        var rendered = HelmChart.renderWithHooks(List.of(), Map.of());
        assertThat(rendered.all(Job.class)).isEmpty();
        assertThat(rendered.all(Secret.class)).isEmpty();
        // The application's default (gateway.database.migrate=true) applies.
        assertThat(env(gatewayContainer(rendered.one(Deployment.class)), "GATEWAY_DATABASE_MIGRATE"))
                .isNull();
    }
}
