package io.llmgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's settings and the gateway's cannot drift apart. A setting lives in four places: the gateway's settings
 * record, the chart's {@code values.yaml}, {@code values.schema.json} and {@code _config.tpl}. The gateway's side is
 * {@code docs/configuration-properties.md}, generated from the records and kept current by gateway-app's
 * {@code ConfigurationReferenceTests}; these tests hold the chart's three copies to it.
 */
class ChartPropertiesTests {

    /** Chart values that are no gateway property: they are turned into something else by the templates. */
    private static final Set<String> CHART_ONLY = Set.of(
            "config.extraYaml", // a file of its own, loaded after application.yml
            "config.deployments.*.apiKeySecretKey"); // a Secret's key, mounted and named by api-key-file

    /** Defaults the chart sets on purpose to something other than the gateway's own, and why. */
    private static final Map<String, String> CHART_DEFAULTS =
            Map.of("gateway.database.embedded.data-dir", "the persistent volume's mount, not the working directory");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyChartValueIsAGatewayProperty() {
        List<String> unknown = new ArrayList<>();
        for (Path file :
                List.of(HelmChart.CHART_DIR.resolve("values.yaml"), HelmChart.testResource("values-all-on.yaml"))) {
            Map<String, Object> config = config(HelmChart.readYaml(file));
            flatten("config", config, new LinkedHashMap<>()).keySet().forEach(path -> {
                if (!chartOnly(path) && !Reference.load().knows(toProperty(path))) {
                    unknown.add(file.getFileName() + ": " + path + " -> " + toProperty(path));
                }
            });
        }
        assertThat(unknown).as("values that name no property of the gateway").isEmpty();
    }

    @Test
    void everyPropertyTheChartWritesIsOneTheGatewayReads() {
        for (List<Path> values : List.of(List.<Path>of(), List.of(HelmChart.testResource("values-all-on.yaml")))) {
            Map<String, String> written = applicationYml(values, Map.of());
            assertThat(written.keySet().stream()
                            .filter(name -> name.startsWith("gateway."))
                            .filter(name -> !Reference.load().knows(name))
                            .toList())
                    .as("properties in the rendered application.yml that the gateway does not have (%s)", values)
                    .isEmpty();
            assertThat(written).containsKeys("gateway.limits.backend", "gateway.usage.ledger.flush-interval");
        }
    }

    @Test
    void everyValueReachesTheGateway(@TempDir Path dir) throws IOException {
        Map<String, String> defaults = applicationYml(List.of(), Map.of());
        Map<String, Object> leaves = flatten(
                "config", config(HelmChart.readYaml(HelmChart.CHART_DIR.resolve("values.yaml"))), new TreeMap<>());
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, Object> leaf : leaves.entrySet()) {
            String path = leaf.getKey();
            if (chartOnly(path) || path.startsWith("config.models") || path.startsWith("config.deployments")) {
                continue; // the lists and maps are covered by the values-all-on rendering above
            }
            Object changed = changed(path, leaf.getValue());
            Path override = dir.resolve("override.yaml");
            Files.writeString(override, JSON.writeValueAsString(nest(path, changed)));
            Map<String, String> rendered = applicationYml(List.of(override), Map.of());
            if (rendered.equals(defaults)) {
                ignored.add(path + "=" + changed);
            }
        }
        assertThat(ignored)
                .as("values the templates never write into application.yml")
                .isEmpty();
    }

    @Test
    void theChartsDefaultsAreTheGatewaysDefaults() {
        Map<String, String> written = applicationYml(List.of(), Map.of());
        Map<String, String> differing = new TreeMap<>();
        Reference reference = Reference.load();
        written.forEach((name, value) -> {
            String gatewayDefault = reference.defaults.get(name);
            if (gatewayDefault != null && !gatewayDefault.equals(value) && !CHART_DEFAULTS.containsKey(name)) {
                differing.put(name, "chart " + value + ", gateway " + gatewayDefault);
            }
        });
        assertThat(differing)
                .as("defaults of values.yaml that differ from the gateway's (say why in CHART_DEFAULTS)")
                .isEmpty();
    }

    @Test
    void theSchemasClosedSetsAreTheGatewaysEnums() throws IOException {
        JsonNode config = JSON.readTree(
                        HelmChart.CHART_DIR.resolve("values.schema.json").toFile())
                .path("properties")
                .path("config");
        Map<String, List<String>> enums = new TreeMap<>();
        collectEnums("config", config, enums);
        assertThat(enums).as("the schema's closed sets").isNotEmpty();
        enums.forEach((path, constants) -> {
            String property = toProperty(path);
            assertThat(Reference.load().closedSet(property))
                    .as("the values %s allows and the gateway's %s", path, property)
                    .containsExactlyInAnyOrderElementsOf(constants);
        });
    }

    private static void collectEnums(String path, JsonNode schema, Map<String, List<String>> enums) {
        if (schema.has("enum")) {
            List<String> constants = new ArrayList<>();
            schema.get("enum").forEach(constant -> constants.add(constant.asText()));
            enums.put(path, constants);
        }
        schema.path("properties")
                .fields()
                .forEachRemaining(p -> collectEnums(path + "." + p.getKey(), p.getValue(), enums));
        if (schema.has("items")) {
            collectEnums(path + "[0]", schema.get("items"), enums);
        }
    }

    /** A different value of the same kind, one the schema accepts. */
    private static Object changed(String path, Object value) {
        if (value instanceof Boolean b) {
            return !b;
        }
        if (value instanceof Number n) {
            return n.intValue() + 1;
        }
        if (value instanceof List<?>) {
            return List.of("10.1.0.0/16");
        }
        String text = String.valueOf(value);
        Matcher duration = Pattern.compile("([0-9]+)(ms|s|m|h)").matcher(text);
        if (duration.matches()) {
            return (Integer.parseInt(duration.group(1)) + 1) + duration.group(2);
        }
        Matcher size = Pattern.compile("([0-9]+)(B|KB|MB|GB)").matcher(text);
        if (size.matches()) {
            return (Integer.parseInt(size.group(1)) + 1) + size.group(2);
        }
        return switch (path) {
            case "config.limits.backend" -> "redis";
            case "config.limits.onBackendFailure" -> "fail-open";
            case "config.retrieval.systemTemplate" -> "Sources: {sources}";
            case "config.console.secureCookie" -> "always";
            case "config.console.oidc.issuerUri" -> "https://login.example.com/tenant/v2.0";
            default -> text + "x";
        };
    }

    private static Map<String, String> applicationYml(List<Path> values, Map<String, String> sets) {
        List<Path> files = new ArrayList<>(values);
        Map<String, String> withRedis = new LinkedHashMap<>(sets);
        withRedis.put("externalRedis.host", "redis.cache"); // so that backend=redis renders
        String yml = HelmChart.render(files, withRedis)
                .one(ConfigMap.class)
                .getData()
                .get("application.yml");
        Map<String, Object> flat = flatten("", HelmChart.parseYaml(yml), new TreeMap<>());
        Map<String, String> out = new TreeMap<>();
        flat.forEach((k, v) -> out.put(k.substring(1), String.valueOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Object> values) {
        return (Map<String, Object>) values.get("config");
    }

    /** Leaves by path: {@code a.b}, {@code a[0].c}; an empty map or list is a leaf. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Object node, Map<String, Object> out) {
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
            ((Map<String, Object>) map).forEach((k, v) -> flatten(prefix + "." + k, v, out));
        } else if (node instanceof List<?> list && !list.isEmpty() && !(list.get(0) instanceof String)) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), out);
            }
        } else {
            out.put(prefix, node);
        }
        return out;
    }

    private static Map<String, Object> nest(String path, Object value) {
        String[] parts = path.split("\\.");
        Object node = value;
        for (int i = parts.length - 1; i >= 0; i--) {
            node = Map.of(parts[i], node);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) node;
        return nested;
    }

    private static boolean chartOnly(String path) {
        return CHART_ONLY.stream()
                .anyMatch(pattern -> path.matches(pattern.replace(".", "\\.").replace("*", "[^.]+")));
    }

    /** {@code config.limits.onBackendFailure} is {@code gateway.limits.on-backend-failure}. */
    static String toProperty(String valuesPath) {
        String rest = valuesPath.substring("config".length());
        return "gateway" + rest.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The gateway's properties, from the reference page generated from its code. */
    static final class Reference {

        private static final Path PAGE = HelmChart.REPO_DIR.resolve("docs/configuration-properties.md");
        private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (.*?) \\| (?:`(.*?)`)? \\| .*\\|$");
        private static Reference loaded;

        final List<Pattern> names = new ArrayList<>();
        final Map<String, String> defaults = new LinkedHashMap<>();
        final Map<String, List<String>> closedSets = new LinkedHashMap<>();

        static synchronized Reference load() {
            if (loaded == null) {
                loaded = new Reference();
            }
            return loaded;
        }

        private Reference() {
            List<String> lines;
            try {
                lines = Files.readAllLines(PAGE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + PAGE, e);
            }
            for (String line : lines) {
                Matcher row = ROW.matcher(line);
                if (!row.matches()) {
                    continue;
                }
                String name = row.group(1);
                String type = row.group(2);
                String regex = Pattern.quote(name)
                        .replace("[i]", "\\E\\[[0-9]+\\]\\Q")
                        .replace("[j]", "\\E\\[[0-9]+\\]\\Q")
                        .replace("<name>", "\\E[^.]+\\Q");
                // a map of plain values takes any key below it, a list of plain values any index
                if (type.startsWith("Map&lt;String, String") || type.startsWith("Map&lt;String, Double")) {
                    regex += "(\\.[^.]+)?";
                } else if (type.startsWith("List&lt;String") || type.startsWith("Set&lt;String")) {
                    regex += "(\\[[0-9]+\\])?";
                }
                names.add(Pattern.compile(regex));
                if (row.group(3) != null) {
                    defaults.put(name, row.group(3));
                }
                if (type.contains("\\|")) {
                    closedSets.put(name, List.of(type.split(" \\\\\\| ")));
                }
            }
            if (names.isEmpty()) {
                throw new IllegalStateException(PAGE + " lists no property");
            }
        }

        boolean knows(String property) {
            return names.stream().anyMatch(name -> name.matcher(property).matches());
        }

        List<String> closedSet(String property) {
            for (Map.Entry<String, List<String>> set : closedSets.entrySet()) {
                String regex = Pattern.quote(set.getKey())
                        .replace("[i]", "\\E\\[[0-9]+\\]\\Q")
                        .replace("<name>", "\\E[^.]+\\Q");
                if (property.matches(regex)) {
                    return set.getValue();
                }
            }
            return List.of();
        }
    }
}
