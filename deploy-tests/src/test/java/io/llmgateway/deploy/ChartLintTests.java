package io.llmgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: with the defaults, with every option on, and with the documented minimal values. */
class ChartLintTests {

    @Test
    void defaultValuesLintStrictly() {
        assertPasses(HelmChart.lint());
    }

    @Test
    void everyOptionOnLintsStrictly() {
        assertPasses(HelmChart.lint(HelmChart.testResource("values-all-on.yaml")));
    }

    @Test
    void secretsGivenAsValuesLintStrictly() {
        assertPasses(HelmChart.lint(HelmChart.testResource("values-inline-secrets.yaml")));
    }

    @Test
    void theReadmesMinimalValuesLintAndRender() {
        Map<String, Object> values = HelmChart.parseYaml(ReadmeSnippet.minimalValues());
        assertThat(values).containsKeys("externalDatabase", "externalRedis");

        assertPasses(HelmChart.lint(values));
        String manifests = HelmChart.template(List.of(ReadmeSnippet.minimalValuesFile()), Map.of());
        assertThat(manifests).contains("kind: Deployment", "jdbc:postgresql://postgres.db.svc.cluster.local:5432/");
    }

    @Test
    void lintCanFail() {
        // The passing cases above mean something: lint reports bad values as errors. (Lint does not report the
        // templates' own `fail` checks, which Helm's lint mode only logs; RenderedManifestsTests covers those.)
        LintResult result = HelmChart.lint(Map.of("service", Map.of("type", "Bogus")));
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("/service/type");
    }

    private static void assertPasses(LintResult result) {
        assertThat(result.isFailed())
                .as("lint failed: %s", result.getMessages())
                .isFalse();
        // --strict turns warnings into failures; also make sure nothing above INFO slipped through.
        assertThat(result.getMessages())
                .allSatisfy(message -> assertThat(message).startsWith("[INFO]"));
    }
}
