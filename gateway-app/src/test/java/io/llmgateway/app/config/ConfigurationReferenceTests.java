package io.llmgateway.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.provider.ProviderType;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docs/configuration-properties.md} is generated from the code: the configuration processor's metadata (every
 * settings record's components, their defaults and the Javadoc that describes them) and, for the entries of lists
 * and maps (models, deployments, profiles), which the processor does not descend into, the records themselves. This
 * test fails when the page differs from what the code says; {@code -Ddocs.write} writes it.
 */
class ConfigurationReferenceTests {

    static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    static final Path PAGE = Path.of("../docs/configuration-properties.md");
    /** This module's sources and its siblings' (the adapters' settings records live there). */
    private static final List<Path> SOURCES = List.of(
            Path.of("src/main/java"),
            Path.of("../provider-adapters/provider-adapter-openai/src/main/java"),
            Path.of("../provider-adapters/provider-adapter-nim/src/main/java"),
            Path.of("../provider-adapters/provider-adapter-octo/src/main/java"),
            Path.of("../provider-adapters/provider-adapter-mock/src/main/java"));

    @Test
    void thePageSaysWhatTheCodeSays() throws Exception {
        String generated = render();
        if (System.getProperty("docs.write") != null) {
            Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "")
                .as("docs/configuration-properties.md is generated: run ./mvnw -pl gateway-app test"
                        + " -Dtest=ConfigurationReferenceTests -Ddocs.write")
                .isEqualTo(generated);
    }

    @Test
    void everySettingIsDescribed() throws Exception {
        assertThat(rows())
                .allSatisfy(row -> assertThat(row.description()).as(row.name()).isNotBlank());
    }

    /** One property as the page lists it. */
    record Row(String group, String name, String type, String defaultValue, String description) {}

    static String render() throws Exception {
        StringBuilder page = new StringBuilder();
        page.append("# Configuration properties\n\n")
                .append(
                        "Every `gateway.*` setting, its type, default and meaning. This page is generated from the code")
                .append(" (the settings records and their Javadoc) by `ConfigurationReferenceTests`: do not edit it;\n")
                .append("after changing a setting, run `./mvnw -pl gateway-app test -Dtest=ConfigurationReferenceTests")
                .append(" -Ddocs.write`. How to set them, and the Spring settings the gateway uses, is in\n")
                .append("[configuration.md](configuration.md).\n");
        Map<String, List<Row>> byGroup = new TreeMap<>();
        for (Row row : rows()) {
            byGroup.computeIfAbsent(row.group(), g -> new ArrayList<>()).add(row);
        }
        String group = null;
        for (Row row : byGroup.values().stream().flatMap(List::stream).toList()) {
            if (!row.group().equals(group)) {
                group = row.group();
                page.append("\n## `")
                        .append(group)
                        .append("`\n\n")
                        .append("| property | type | default | description |\n")
                        .append("| --- | --- | --- | --- |\n");
            }
            page.append("| `")
                    .append(row.name())
                    .append("` | ")
                    .append(row.type())
                    .append(" | ")
                    .append(row.defaultValue().isEmpty() ? "" : "`" + cell(row.defaultValue()) + "`")
                    .append(" | ")
                    .append(cell(row.description()))
                    .append(" |\n");
        }
        return page.toString();
    }

    /** A table cell's text: one line, no column break. */
    private static String cell(String text) {
        return text.replace("\n", "\\n").replace("|", "\\|");
    }

    static List<Row> rows() throws Exception {
        JsonNode metadata = JsonMapper.builder().build().readTree(METADATA.toFile());
        Map<String, String> groups = new LinkedHashMap<>();
        for (JsonNode group : metadata.get("groups")) {
            groups.put(group.get("name").asString(), group.path("sourceType").asString(""));
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode property : metadata.get("properties")) {
            String name = property.get("name").asString();
            String group = groupOf(name, groups);
            Class<?> source = Class.forName(property.get("sourceType").asString());
            Type type = javaType(source, name.substring(name.lastIndexOf('.') + 1));
            Class<?> element = elementRecord(type);
            if (element != null) {
                String entry =
                        name + (type instanceof ParameterizedType p && p.getRawType() == Map.class ? ".<name>" : "[i]");
                rows.add(new Row(
                        group,
                        name,
                        typeName(type),
                        "",
                        text(property.path("description").asString(""))));
                expand(group, entry, element, rows);
                if (name.equals("gateway.deployments")) {
                    providerTypes(group, entry, rows);
                }
            } else {
                rows.add(new Row(
                        group,
                        name,
                        typeName(type),
                        property.has("defaultValue")
                                ? property.get("defaultValue").asString()
                                : "",
                        text(property.path("description").asString(""))));
            }
        }
        return rows;
    }

    /**
     * The settings of every provider type the adapter modules contribute, under
     * {@code gateway.deployments.<name>.<type>}: the types are found as the app finds them, as beans of the adapters'
     * auto-configurations.
     */
    private static void providerTypes(String group, String deployment, List<Row> rows) throws Exception {
        List<Class<?>> configurations = new ArrayList<>();
        for (String candidate : ImportCandidates.load(
                        AutoConfiguration.class, ConfigurationReferenceTests.class.getClassLoader())
                .getCandidates()) {
            // the example type is on the test classpath only: it proves the SPI, it does not ship
            if (candidate.startsWith("io.llmgateway.provider.")
                    && !candidate.startsWith("io.llmgateway.provider.example.")) {
                configurations.add(Class.forName(candidate));
            }
        }
        Map<String, Class<?>> settings = new TreeMap<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(configurations.toArray(Class<?>[]::new)))
                .run(context -> context.getBeansOfType(ProviderType.class)
                        .values()
                        .forEach(type -> settings.put(type.name(), type.settingsType())));
        assertThat(settings).as("provider types").isNotEmpty();
        for (Map.Entry<String, Class<?>> type : settings.entrySet()) {
            if (isGatewayRecord(type.getValue()) && type.getValue().getRecordComponents().length > 0) {
                expand(group, deployment + "." + type.getKey(), type.getValue(), rows);
            }
        }
    }

    private static String groupOf(String property, Map<String, String> groups) {
        String best = "gateway";
        for (String group : groups.keySet()) {
            if (property.startsWith(group + ".") && group.length() > best.length()) {
                best = group;
            }
        }
        return best;
    }

    /** The rows of a list or map entry's record: its components, nested records expanded. */
    private static void expand(String group, String prefix, Class<?> record, List<Row> rows) throws IOException {
        Map<String, String> described = params(record);
        Constructor<?> canonical = canonical(record);
        RecordComponent[] components = record.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Name renamed = canonical.getParameters()[i].getAnnotation(Name.class);
            String name = prefix + "." + kebab(renamed != null ? renamed.value() : component.getName());
            Type type = component.getGenericType();
            DefaultValue defaults = canonical.getParameters()[i].getAnnotation(DefaultValue.class);
            String defaultValue = defaults == null ? "" : String.join(",", defaults.value());
            String description = described.getOrDefault(component.getName(), "");
            Class<?> element = elementRecord(type);
            if (isGatewayRecord(component.getType())) {
                expand(group, name, component.getType(), rows);
            } else if (element != null) {
                rows.add(new Row(group, name, typeName(type), "", description));
                boolean map = type instanceof ParameterizedType p && p.getRawType() == Map.class;
                expand(group, name + (map ? ".<name>" : "[j]"), element, rows);
            } else {
                rows.add(new Row(group, name, typeName(type), defaultValue, description));
            }
        }
    }

    private static Constructor<?> canonical(Class<?> record) {
        Class<?>[] types = Arrays.stream(record.getRecordComponents())
                .map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            return record.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Type javaType(Class<?> source, String kebabName) {
        if (source.isRecord()) {
            for (RecordComponent component : source.getRecordComponents()) {
                if (kebab(component.getName()).equals(kebabName)) {
                    return component.getGenericType();
                }
            }
        }
        return Boolean.class;
    }

    private static Class<?> elementRecord(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            Type[] arguments = parameterized.getActualTypeArguments();
            Type element = arguments[arguments.length - 1];
            if (element instanceof Class<?> c && isGatewayRecord(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean isGatewayRecord(Class<?> type) {
        return type.isRecord() && type.getName().startsWith("io.llmgateway.");
    }

    private static String typeName(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            List<String> arguments = new ArrayList<>();
            for (Type argument : parameterized.getActualTypeArguments()) {
                arguments.add(typeName(argument));
            }
            return ((Class<?>) parameterized.getRawType()).getSimpleName() + "&lt;" + String.join(", ", arguments)
                    + "&gt;";
        }
        Class<?> c = (Class<?>) type;
        if (c.isEnum()) {
            List<String> constants = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) {
                constants.add(
                        ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            return String.join(" \\| ", constants);
        }
        return c.getSimpleName();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Path sourceOf(Class<?> type) {
        String file = type.getName().replace('.', '/') + ".java";
        return SOURCES.stream()
                .map(root -> root.resolve(file))
                .filter(Files::exists)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no source of " + type.getName() + " in " + SOURCES));
    }

    /** The {@code @param} texts of a record's Javadoc, from its source file. */
    private static Map<String, String> params(Class<?> record) throws IOException {
        Class<?> outer = record;
        while (outer.getEnclosingClass() != null) {
            outer = outer.getEnclosingClass();
        }
        String source = Files.readString(sourceOf(outer));
        Matcher declaration = Pattern.compile("record\\s+" + record.getSimpleName() + "\\s*\\(")
                .matcher(source);
        if (!declaration.find()) {
            return Map.of();
        }
        int end = source.lastIndexOf("*/", declaration.start());
        int start = source.lastIndexOf("/**", end);
        if (start < 0 || end < 0) {
            return Map.of();
        }
        String javadoc = source.substring(start + 3, end).replaceAll("(?m)^\\s*\\*", "");
        Map<String, String> params = new LinkedHashMap<>();
        Matcher param = Pattern.compile("@param\\s+(\\w+)\\s+(.*?)(?=\\s@param\\s|$)", Pattern.DOTALL)
                .matcher(javadoc);
        while (param.find()) {
            params.put(param.group(1), text(param.group(2)));
        }
        return params;
    }

    /** Javadoc text as Markdown on one line. */
    static String text(String javadoc) {
        String text = javadoc.replaceAll("\\{@code ([^}]*)}", "`$1`")
                .replaceAll("\\{@link(?:plain)? ([^}]*)}", "`$1`")
                .replaceAll("\\s+", " ")
                .trim();
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
