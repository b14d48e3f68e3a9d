package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** A tool the model may call: {@code {"type":"function","function":{"name",...}}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tool(
        String type,
        Function function,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Tool {
        extra = Unmodifiable.extra(extra);
    }

    /** A function definition; {@code parameters} is a JSON Schema kept as written. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Function(String name, String description, JsonNode parameters, Boolean strict) {}
}
