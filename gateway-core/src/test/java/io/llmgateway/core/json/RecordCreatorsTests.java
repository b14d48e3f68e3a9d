package io.llmgateway.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RecordCreatorsTests {

    private static final JsonMapper JSON = GatewayJson.newMapper();

    /** Notes whether its constructor was reached through {@code MethodHandle.invokeWithArguments}. */
    record Probe(
            String name,
            int count,
            List<Inner> items,
            @JsonAnySetter Map<String, JsonNode> extra) {

        static volatile boolean builtThroughInvokeWithArguments;

        Probe {
            builtThroughInvokeWithArguments = Arrays.stream(
                            Thread.currentThread().getStackTrace())
                    .anyMatch(frame -> frame.getMethodName().equals("invokeWithArguments"));
            extra = extra == null ? new LinkedHashMap<>() : extra;
        }
    }

    record Inner(String value) {}

    record Checked(int size) {

        Checked {
            if (size < 0) {
                throw new IllegalArgumentException("size must not be negative");
            }
        }
    }

    private static final String PROBE = "{\"name\":\"a\",\"count\":2,\"items\":[{\"value\":\"x\"}],\"other\":true}";

    @Test
    void recordsAreBuiltWithTheSameValuesAndNotThroughInvokeWithArguments() {
        Probe probe = JSON.readValue(PROBE, Probe.class);

        assertThat(probe.name()).isEqualTo("a");
        assertThat(probe.count()).isEqualTo(2);
        assertThat(probe.items()).containsExactly(new Inner("x"));
        assertThat(probe.extra()).containsOnlyKeys("other");
        assertThat(Probe.builtThroughInvokeWithArguments).isFalse();
    }

    @Test
    void withoutTheModuleJacksonBuildsThemThroughInvokeWithArguments() {
        // the cost this module removes: proves the probe above can tell the two ways apart
        JsonMapper plain = JsonMapper.builder().build();
        plain.readValue(PROBE, Probe.class);

        assertThat(Probe.builtThroughInvokeWithArguments).isTrue();
    }

    @Test
    void aConstructorThatRejectsItsArgumentsFailsAsWithJacksonAlone() {
        JsonMapper plain = JsonMapper.builder().build();
        Throwable expected = catchFrom(() -> plain.readValue("{\"size\":-1}", Checked.class));

        assertThatThrownBy(() -> JSON.readValue("{\"size\":-1}", Checked.class))
                .isInstanceOf(expected.getClass())
                .isInstanceOf(DatabindException.class)
                .hasMessage(expected.getMessage())
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    private static Throwable catchFrom(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no exception");
    }
}
