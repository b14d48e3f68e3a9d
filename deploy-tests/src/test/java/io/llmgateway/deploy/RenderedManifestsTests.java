package io.llmgateway.deploy;

import static io.llmgateway.deploy.HelmChart.FULLNAME;
import static io.llmgateway.deploy.HelmChart.testResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The gateway workload as rendered: probes, hardening, scaling, disruption budget, optional resources. */
class RenderedManifestsTests {

    /** The actuator paths the gateway serves (the application's own tests hit them on a running gateway). */
    static final String LIVENESS_PATH = "/actuator/health/liveness";

    static final String READINESS_PATH = "/actuator/health/readiness";

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.llmgateway.deploy.HelmChart#valueSets")
    void probesPointAtTheActuatorHealthGroupsOnTheContainerPort(String name, List<Path> values) {
        Container gateway = gatewayContainer(HelmChart.render(values, Map.of()).one(Deployment.class));
        ContainerPort http = gateway.getPorts().get(0);
        assertThat(http.getContainerPort()).isEqualTo(8080);

        for (Probe probe : List.of(gateway.getStartupProbe(), gateway.getLivenessProbe())) {
            assertThat(probe.getHttpGet().getPath()).isEqualTo(LIVENESS_PATH);
            assertPointsAt(probe, http);
        }
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo(READINESS_PATH);
        assertPointsAt(gateway.getReadinessProbe(), http);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.llmgateway.deploy.HelmChart#valueSets")
    void podAndContainerSecurityContextsAreHardened(String name, List<Path> values) {
        PodSpec pod = HelmChart.render(values, Map.of())
                .one(Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec();
        assertHardened(pod);
    }

    @Test
    void theMigrationJobPodIsHardenedToo() {
        var rendered = HelmChart.renderWithHooks(List.of(testResource("values-all-on.yaml")), Map.of());
        PodSpec pod = rendered.one(Job.class).getSpec().getTemplate().getSpec();
        assertHardened(pod);
    }

    @Test
    void readOnlyRootFilesystemGetsAWritableTmpAndTheEmbeddedDatabaseADataVolume() {
        PodSpec pod =
                HelmChart.render().one(Deployment.class).getSpec().getTemplate().getSpec();
        Container gateway = pod.getContainers().get(0);
        assertThat(gateway.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(m.getName());
                assertThat(v.getEmptyDir()).isNotNull();
            });
        });
        assertThat(gateway.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/llm-gateway"));
        // One embedded database at a time.
        assertThat(HelmChart.render()
                        .one(Deployment.class)
                        .getSpec()
                        .getStrategy()
                        .getType())
                .isEqualTo("Recreate");
    }

    @Test
    void theEmbeddedDatabaseCanKeepItsDataInAClaim() {
        var rendered = HelmChart.render(
                List.of(),
                Map.of("embeddedDatabase.persistence.enabled", "true", "embeddedDatabase.persistence.size", "20Gi"));
        var claim = rendered.one(PersistentVolumeClaim.class);
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
                .isEqualTo("20Gi");
        assertThat(claim.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        var data = rendered.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("data"))
                .findFirst()
                .orElseThrow();
        assertThat(data.getPersistentVolumeClaim().getClaimName())
                .isEqualTo(claim.getMetadata().getName());
        // An external database needs no local data at all.
        var external = HelmChart.render(
                List.of(), Map.of("externalDatabase.host", "db", "embeddedDatabase.persistence.enabled", "true"));
        assertThat(external.all(PersistentVolumeClaim.class)).isEmpty();
        assertThat(external.one(Deployment.class).getSpec().getStrategy().getType())
                .isEqualTo("RollingUpdate");
    }

    @Test
    void gracefulShutdownTimingFitsTheGracePeriod() {
        Deployment deployment = HelmChart.render().one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        List<String> preStop =
                pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).containsExactly("sleep", "10");
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(65L);
        String applicationYml =
                HelmChart.render().one(ConfigMap.class).getData().get("application.yml");
        assertThat(applicationYml).contains("timeout-per-shutdown-phase: 30s");
        // preStop sleep + shutdown phase < grace period
        assertThat(10 + 30).isLessThan(pod.getTerminationGracePeriodSeconds().intValue());
    }

    @Test
    void shutdownTimingThatDoesNotFitTheGracePeriodIsRefused() {
        assertThatThrownBy(() -> HelmChart.template(List.of(), Map.of("shutdown.terminationGracePeriodSeconds", "40")))
                .hasMessageContaining("must be less than shutdown.terminationGracePeriodSeconds");
        assertThat(HelmChart.render(List.of(), Map.of("shutdown.terminationGracePeriodSeconds", "41"))
                        .one(Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getTerminationGracePeriodSeconds())
                .isEqualTo(41L);
    }

    @Test
    void hpaScalesTheDeploymentAndThePdbSelectsItsPods() {
        var rendered = HelmChart.render(testResource("values-all-on.yaml"));
        Deployment deployment = rendered.one(Deployment.class);
        HorizontalPodAutoscaler hpa = rendered.one(HorizontalPodAutoscaler.class);
        PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class);

        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        // The HPA owns the replica count.
        assertThat(deployment.getSpec().getReplicas()).isNull();

        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
    }

    @Test
    void theServiceAndTheSpreadSelectExactlyTheGatewayPods() {
        var rendered = HelmChart.render(testResource("values-all-on.yaml"));
        Deployment deployment = rendered.one(Deployment.class);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat(rendered.one(Service.class).getSpec().getSelector()).isEqualTo(selector);
        var spread = deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
        assertThat(spread).singleElement().satisfies(c -> {
            assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(c.getLabelSelector().getMatchLabels()).isEqualTo(selector);
        });
        assertThat(rendered.one(NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(selector);
    }

    @Test
    void defaultsRenderOnlyTheCoreResources() {
        var rendered = HelmChart.render();
        assertThat(rendered.resources())
                .extracting(r -> r.getKind())
                .containsExactlyInAnyOrder(
                        "Deployment", "Service", "ServiceAccount", "ConfigMap", "PodDisruptionBudget");
        assertThat(rendered.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
        assertThat(rendered.one(ServiceAccount.class).getAutomountServiceAccountToken())
                .isFalse();
    }

    @Test
    void everyOptionOnRendersTheOptionalResources() {
        var rendered = HelmChart.render(testResource("values-all-on.yaml"));
        assertThat(rendered.resources())
                .extracting(r -> r.getKind())
                .contains(
                        "Deployment",
                        "Service",
                        "ServiceAccount",
                        "ConfigMap",
                        "PodDisruptionBudget",
                        "HorizontalPodAutoscaler",
                        "Ingress",
                        "ServiceMonitor",
                        "NetworkPolicy");

        Ingress ingress = rendered.one(Ingress.class);
        var backend = ingress.getSpec()
                .getRules()
                .get(0)
                .getHttp()
                .getPaths()
                .get(0)
                .getBackend()
                .getService();
        assertThat(backend.getName()).isEqualTo(FULLNAME);
        assertThat(backend.getPort().getName()).isEqualTo("http");

        GenericKubernetesResource monitor =
                (GenericKubernetesResource) rendered.ofKind("ServiceMonitor").get(0);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
        assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
        assertThat(endpoint.get("bearerTokenSecret")).isEqualTo(Map.of("name", "llm-metrics-token", "key", "token"));

        NetworkPolicy policy = rendered.one(NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec()
                        .getIngress()
                        .get(0)
                        .getPorts()
                        .get(0)
                        .getPort()
                        .getStrVal())
                .isEqualTo("http");
    }

    @Test
    void theServiceMonitorDefaultsToTheAdminTokenSecret() {
        var rendered = HelmChart.render(testResource("values-inline-secrets.yaml"));
        GenericKubernetesResource monitor =
                (GenericKubernetesResource) rendered.ofKind("ServiceMonitor").get(0);
        Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
        assertThat(endpoint.get("bearerTokenSecret")).isEqualTo(Map.of("name", FULLNAME, "key", "admin-token"));
    }

    @Test
    void theJvmSizesItsHeapFromTheContainerMemory() {
        Container gateway = gatewayContainer(HelmChart.render().one(Deployment.class));
        assertThat(env(gateway, "JAVA_TOOL_OPTIONS"))
                .isEqualTo("-XX:MaxRAMPercentage=75 -XX:MetaspaceSize=256m -XX:+ExitOnOutOfMemoryError");
        assertThat(gateway.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(gateway.getResources().getRequests()).containsKeys("cpu", "memory");
    }

    static Container gatewayContainer(Deployment deployment) {
        List<Container> containers =
                deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    static String env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }

    private static void assertPointsAt(Probe probe, ContainerPort port) {
        var target = probe.getHttpGet().getPort();
        if (target.getStrVal() != null) {
            assertThat(target.getStrVal()).isEqualTo(port.getName());
        } else {
            assertThat(target.getIntVal()).isEqualTo(port.getContainerPort());
        }
        assertThat(probe.getHttpGet().getScheme()).isIn(null, "HTTP");
    }

    static void assertHardened(PodSpec pod) {
        PodSecurityContext podContext = pod.getSecurityContext();
        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isEqualTo(10001L);
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();

        List<Container> containers = Stream.concat(
                        pod.getContainers().stream(),
                        pod.getInitContainers() == null ? Stream.empty() : pod.getInitContainers().stream())
                .toList();
        assertThat(containers).isNotEmpty().allSatisfy(container -> {
            SecurityContext context = container.getSecurityContext();
            assertThat(context.getRunAsNonRoot()).isTrue();
            assertThat(context.getRunAsUser()).isEqualTo(10001L);
            assertThat(context.getReadOnlyRootFilesystem()).isTrue();
            assertThat(context.getAllowPrivilegeEscalation()).isFalse();
            assertThat(context.getPrivileged()).isNotEqualTo(Boolean.TRUE);
            assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(container.getResources().getLimits()).containsKey("memory");
            // A read-only root needs a writable /tmp (JVM, Netty native libraries).
            if (container.getCommand() == null || container.getCommand().isEmpty()) {
                assertThat(container.getVolumeMounts())
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            }
        });
    }
}
