package io.llmgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built here (no Docker engine), so its essentials are checked as text, and against the
 * chart: the user the image runs as is the one the chart's security contexts require.
 */
class DockerfileTests {

    private static final String DOCKERFILE = HelmChart.read(HelmChart.REPO_DIR.resolve("Dockerfile"));

    @Test
    void buildsWithTheWrapperOnAJdkAndRunsOnAJre17() {
        assertThat(DOCKERFILE)
                .containsPattern("ARG JDK_IMAGE=eclipse-temurin:17-jdk")
                .containsPattern("ARG JRE_IMAGE=eclipse-temurin:17-jre")
                .contains("./mvnw -B", "-DskipTests", "package");
        List<String> froms = Pattern.compile("(?m)^FROM (\\S+)")
                .matcher(DOCKERFILE)
                .results()
                .map(m -> m.group(1))
                .toList();
        assertThat(froms).containsExactly("${JDK_IMAGE}", "${JRE_IMAGE}", "${JRE_IMAGE}");
    }

    @Test
    void copiesTheSpringBootLayersInDependencyOrder() {
        assertThat(DOCKERFILE).contains("java -Djarmode=tools -jar llm-gateway.jar extract --layers --launcher");
        List<String> layers = Pattern.compile("(?m)^COPY --from=layers /layers/extracted/([\\w-]+)/")
                .matcher(DOCKERFILE)
                .results()
                .map(m -> m.group(1))
                .toList();
        // Spring Boot's default layer order (java -Djarmode=tools -jar llm-gateway.jar list-layers).
        assertThat(layers)
                .containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        assertThat(DOCKERFILE)
                .contains("ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]");
    }

    @Test
    void runsAsTheNonRootUserTheChartExpects() {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)\\s*$").matcher(DOCKERFILE);
        assertThat(user.find()).as("a numeric USER uid:gid").isTrue();
        Map<String, Object> values = HelmChart.readYaml(HelmChart.CHART_DIR.resolve("values.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> pod = (Map<String, Object>) values.get("podSecurityContext");
        assertThat(user.group(1)).isEqualTo("10001").isEqualTo(String.valueOf(pod.get("runAsUser")));
        assertThat(user.group(2)).isEqualTo(String.valueOf(pod.get("runAsGroup")));
    }

    @Test
    void theJvmSizesItselfFromTheContainerAndListensOn8080() {
        assertThat(DOCKERFILE)
                .contains(
                        "JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=75 -XX:MetaspaceSize=256m -XX:+ExitOnOutOfMemoryError\"")
                .containsPattern("(?m)^EXPOSE 8080$");
    }

    @Test
    void theBuildContextLeavesOutBuildOutputAndLocalData() {
        String ignore = HelmChart.read(HelmChart.REPO_DIR.resolve(".dockerignore"));
        assertThat(ignore.lines()).contains(".git", "**/target/", "/data/", "/*/data/", "!deploy-tests/pom.xml");
    }
}
