package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** {@code stream_options}: {@code include_usage} asks for a final chunk with empty {@code choices} and the usage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamOptions(
        @JsonProperty("include_usage") @Nullable Boolean includeUsage,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public StreamOptions {
        extra = Unmodifiable.extra(extra);
    }

    public static StreamOptions includingUsage() {
        return new StreamOptions(true, new LinkedHashMap<>());
    }

    public boolean wantsUsage() {
        return Boolean.TRUE.equals(includeUsage);
    }
}
