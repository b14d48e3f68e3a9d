package io.llmgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every key of values.yaml carries a comment, and the chart's README covers what it promises. */
class ValuesDocumentationTests {

    private static final Pattern KEY = Pattern.compile("^(\\s*)(- )?([A-Za-z][\\w.-]*):");

    @Test
    void everyValueIsDocumentedByAComment() {
        List<String> lines = HelmChart.read(HelmChart.CHART_DIR.resolve("values.yaml"))
                .lines()
                .toList();
        List<String> undocumented = new ArrayList<>();
        int listItemKeyIndent = -1; // keys of a documented list item share the item's comment
        for (int i = 0; i < lines.size(); i++) {
            Matcher key = KEY.matcher(lines.get(i));
            if (!key.find()) {
                continue;
            }
            int indent = key.group(1).length();
            boolean listItem = key.group(2) != null;
            int keyIndent = listItem ? indent + 2 : indent;
            if (listItemKeyIndent >= 0 && keyIndent < listItemKeyIndent) {
                listItemKeyIndent = -1;
            }
            boolean documented = previousLineIsComment(lines, i) || (!listItem && keyIndent == listItemKeyIndent);
            if (!documented) {
                undocumented.add((i + 1) + ": " + lines.get(i).strip());
            }
            if (listItem && documented) {
                listItemKeyIndent = keyIndent;
            }
        }
        assertThat(undocumented).as("values.yaml keys without a comment").isEmpty();
    }

    @Test
    void theChartReadmeCoversInstallSecretsUpgradesHardeningAndShutdown() {
        String readme = HelmChart.read(ReadmeSnippet.README);
        assertThat(readme)
                .contains(
                        "## Install on Kubernetes",
                        "helm upgrade --install",
                        "existingSecret",
                        "## Upgrades run migrations first",
                        "## Hardening",
                        "## Graceful shutdown",
                        "preStopSleepSeconds + phaseTimeoutSeconds < terminationGracePeriodSeconds");
    }

    private static boolean previousLineIsComment(List<String> lines, int index) {
        for (int j = index - 1; j >= 0; j--) {
            String previous = lines.get(j).strip();
            if (!previous.isEmpty()) {
                return previous.startsWith("#");
            }
        }
        return false;
    }
}
