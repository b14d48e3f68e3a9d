package io.llmgateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The chart under test, driven through embedded Helm 3 (helm-java): no helm binary, no cluster.
 *
 * <p>helm-java's {@code lint} takes no values files and its {@code template} leaves hook resources out (it prints the
 * release manifest only, as Helm keeps hooks apart). Both are bridged by working on a temporary copy of the chart:
 * for lint the override values are deep-merged into the copy's values.yaml (Helm's own rules: maps merge, everything
 * else replaces), and {@link #renderWithHooks} renames the {@code helm.sh/hook} annotation key in the copy so the
 * hook resources land in the ordinary manifest; {@link #hookAnnotations} maps the name back.
 */
final class HelmChart {

    static final Path CHART_DIR = Path.of(System.getProperty("chart.dir", "../helm/llm-gateway"))
            .toAbsolutePath()
            .normalize();
    static final Path REPO_DIR =
            Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
    /** Where chart copies go (under target/, so `mvn clean` removes them). */
    private static final Path COPIES_DIR = Path.of(System.getProperty("copies.dir", "target/chart-copies"))
            .toAbsolutePath()
            .normalize();

    static final String RELEASE = "gw";
    static final String NAMESPACE = "ai";
    /** The Kubernetes version `template` renders for (helm-java's default, 1.20, is below the chart's kubeVersion). */
    static final String KUBE_VERSION = "1.30.0";

    static final String FULLNAME = RELEASE + "-llm-gateway";

    static final String HOOK = "helm.sh/hook";
    private static final String UNHOOKED = "x-unhooked-for-test.helm.sh/hook";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private HelmChart() {}

    /** The value sets every rendering test runs with: the defaults, every option on, secrets given inline. */
    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("defaults", List.of()),
                Arguments.of("every option on", List.of(testResource("values-all-on.yaml"))),
                Arguments.of("secrets as values", List.of(testResource("values-inline-secrets.yaml"))));
    }

    static Path testResource(String name) {
        try {
            return Path.of(Objects.requireNonNull(HelmChart.class.getResource("/" + name), name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code helm lint --strict} of the chart as it is. */
    static LintResult lint() {
        return new Helm(CHART_DIR).lint().strict().call();
    }

    /** {@code helm lint --strict -f <values>}: the values deep-merged into a copy's values.yaml. */
    static LintResult lint(Map<String, Object> values) {
        Path copy = copyOfChart(values, UnaryOperator.identity(), false);
        return new Helm(copy).lint().strict().call();
    }

    /** {@code helm lint --strict -f <file>}. */
    static LintResult lint(Path valuesFile) {
        return lint(readYaml(valuesFile));
    }

    /** {@code helm template} with the values files and --set pairs; hooks are not in the result. */
    static String template(List<Path> valuesFiles, Map<String, String> sets) {
        return template(CHART_DIR, valuesFiles, sets);
    }

    static String template(Path chartDir, List<Path> valuesFiles, Map<String, String> sets) {
        TemplateCommand command = new Helm(chartDir)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, String> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }

    static Rendered render(Path... valuesFiles) {
        return render(List.of(valuesFiles), Map.of());
    }

    static Rendered render(List<Path> valuesFiles, Map<String, String> sets) {
        return new Rendered(template(valuesFiles, sets));
    }

    /** Like {@link #render}, with the hook resources (migration Job, its Secret) included. */
    static Rendered renderWithHooks(List<Path> valuesFiles, Map<String, String> sets) {
        Path copy = copyOfChart(Map.of(), text -> text.replace(HOOK + ":", UNHOOKED + ":"), false);
        return new Rendered(template(copy, valuesFiles, sets).replace(UNHOOKED + ":", "x-test-" + HOOK + ":"));
    }

    /** The hook annotations of a resource rendered by {@link #renderWithHooks}, under their real names. */
    static Map<String, String> hookAnnotations(HasMetadata resource) {
        Map<String, String> result = new LinkedHashMap<>();
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        if (annotations != null) {
            annotations.forEach((key, value) -> {
                if (key.equals("x-test-" + HOOK)) {
                    result.put(HOOK, value);
                } else if (key.startsWith(HOOK + "-")) {
                    result.put(key, value);
                }
            });
        }
        return result;
    }

    /** A copy of the chart without values.schema.json: shows what the templates alone refuse. */
    static Path copyWithoutSchema() {
        return copyOfChart(Map.of(), UnaryOperator.identity(), true);
    }

    private static Path copyOfChart(
            Map<String, Object> values, UnaryOperator<String> templateRewrite, boolean dropSchema) {
        try {
            Files.createDirectories(COPIES_DIR);
            Path target = Files.createTempDirectory(COPIES_DIR, "chart-").resolve("llm-gateway");
            try (Stream<Path> files = Files.walk(CHART_DIR)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path dest = target.resolve(CHART_DIR.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(dest);
                    } else if (source.getParent().endsWith("templates")) {
                        Files.writeString(dest, templateRewrite.apply(Files.readString(source)));
                    } else {
                        Files.copy(source, dest);
                    }
                }
            }
            if (dropSchema) {
                Files.delete(target.resolve("values.schema.json"));
            }
            if (!values.isEmpty()) {
                ObjectNode merged =
                        (ObjectNode) YAML.readTree(target.resolve("values.yaml").toFile());
                deepMerge(merged, (ObjectNode) YAML.valueToTree(values));
                Files.writeString(target.resolve("values.yaml"), YAML.writeValueAsString(merged));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's coalescing: nested maps merge key by key, a null removes the key, anything else replaces. */
    private static void deepMerge(ObjectNode base, ObjectNode override) {
        Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            var existing = base.get(field.getKey());
            if (field.getValue().isNull()) {
                base.remove(field.getKey());
            } else if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode o) {
                deepMerge(existingObject, o);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readYaml(Path file) {
        try {
            return YAML.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseYaml(String text) {
        try {
            return YAML.readValue(text, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifests of one rendering: raw text per document and the parsed resources. */
    record Rendered(String text, List<String> documents, List<HasMetadata> resources) {

        Rendered(String text) {
            this(text, split(text));
        }

        private Rendered(String text, List<String> documents) {
            this(
                    text,
                    documents,
                    documents.stream()
                            .map(doc -> (HasMetadata) SERIALIZATION.unmarshal(doc, HasMetadata.class))
                            .toList());
        }

        private static List<String> split(String text) {
            List<String> docs = new ArrayList<>();
            for (String doc : text.split("(?m)^---\\s*$")) {
                boolean content =
                        doc.lines().map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
                if (content) {
                    docs.add(doc);
                }
            }
            return docs;
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return resources.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
            }
            return found.get(0);
        }

        List<HasMetadata> ofKind(String kind) {
            return resources.stream().filter(r -> kind.equals(r.getKind())).toList();
        }

        /** The raw text of each document whose kind is not the given one. */
        List<String> documentsExceptKind(String kind) {
            List<String> result = new ArrayList<>();
            for (int i = 0; i < documents.size(); i++) {
                if (!kind.equals(resources.get(i).getKind())) {
                    result.add(documents.get(i));
                }
            }
            return result;
        }
    }
}
