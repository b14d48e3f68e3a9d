package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code response_format}: {@code text}, {@code json_object}, or {@code json_schema} with its schema. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResponseFormat(
        @Nullable String type,
        @JsonProperty("json_schema") @Nullable JsonNode jsonSchema,
        @Nullable JsonNode schema,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ResponseFormat {
        extra = Unmodifiable.extra(extra);
    }
}
