package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A tool the model may call: {@code {"type":"function","function":{"name",...}}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tool(
        @Nullable String type,
        @Nullable Function function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Tool {
        extra = Unmodifiable.extra(extra);
    }

    /** A function definition; {@code parameters} is a JSON Schema kept as written. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Function(
            @Nullable String name,
            @Nullable String description,
            @Nullable JsonNode parameters,
            @Nullable Boolean strict) {}
}
