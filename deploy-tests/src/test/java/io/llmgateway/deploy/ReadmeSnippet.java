package io.llmgateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The minimal values file shown in helm/llm-gateway/README.md, so the documented example is tested as written. */
final class ReadmeSnippet {

    static final Path README = HelmChart.CHART_DIR.resolve("README.md");
    private static final String MARKER = "# values-production.yaml";

    private ReadmeSnippet() {}

    /** The YAML block that starts with {@value #MARKER}, without the list indentation of the README. */
    static String minimalValues() {
        List<String> lines = HelmChart.read(README).lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(MARKER)) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new AssertionError(README + " has no block starting with " + MARKER);
        }
        int indent = lines.get(start).indexOf('#');
        List<String> block = new ArrayList<>();
        for (int i = start; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
            String line = lines.get(i);
            block.add(line.length() >= indent ? line.substring(indent) : line.strip());
        }
        return String.join("\n", block) + "\n";
    }

    static Path minimalValuesFile() {
        try {
            Path file = Files.createTempFile("values-production-", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, minimalValues());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
