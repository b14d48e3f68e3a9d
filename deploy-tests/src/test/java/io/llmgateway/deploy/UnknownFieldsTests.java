package io.llmgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of every rendered resource is one the Kubernetes API knows: fabric8's typed models keep fields they do not
 * know in "additionalProperties", so a misspelt field (readOnlyRootFileSystem, matchLabel) shows up there instead of
 * being silently dropped by the API server. (The ServiceMonitor is a custom resource and stays untyped.)
 */
class UnknownFieldsTests {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.llmgateway.deploy.HelmChart#valueSets")
    void renderedResourcesHaveNoUnknownFields(String name, List<Path> values) {
        var rendered = HelmChart.renderWithHooks(values, Map.of());
        List<String> unknown = new ArrayList<>();
        int typed = 0;
        for (HasMetadata resource : rendered.resources()) {
            if (resource instanceof GenericKubernetesResource) {
                assertThat(resource.getKind()).isEqualTo("ServiceMonitor");
                continue;
            }
            typed++;
            collect(resource, resource.getKind(), unknown);
        }
        assertThat(typed).isPositive();
        assertThat(unknown).as("fields unknown to the Kubernetes API").isEmpty();
    }

    private static void collect(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object item : collection) {
                collect(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collect(item, path + "." + key, unknown));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class
                    || !getter.getName().startsWith("get")) {
                continue;
            }
            Object child = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                collect(child, path + "." + decapitalize(getter.getName().substring(3)), unknown);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter.toString(), e);
        }
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
