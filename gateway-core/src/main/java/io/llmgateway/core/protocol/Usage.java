package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.DecimalNode;

/** Token usage of one completion, as OpenAI reports it; details (cached prompt tokens, ...) kept as written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(
        @JsonProperty("prompt_tokens") @Nullable Integer promptTokens,
        @JsonProperty("completion_tokens") @Nullable Integer completionTokens,
        @JsonProperty("total_tokens") @Nullable Integer totalTokens,
        @JsonProperty("prompt_tokens_details") @Nullable JsonNode promptTokensDetails,
        @JsonProperty("completion_tokens_details") @Nullable JsonNode completionTokensDetails,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public Usage {
        extra = Unmodifiable.extra(extra);
    }

    /** Cached prompt tokens from {@code prompt_tokens_details.cached_tokens}, when the upstream reports them. */
    public @Nullable Integer cachedPromptTokens() {
        if (promptTokensDetails == null) {
            return null;
        }
        JsonNode cached = promptTokensDetails.get("cached_tokens");
        return cached != null && cached.isNumber() ? cached.intValue() : null;
    }

    /**
     * A copy with the gateway's {@code cost} in US dollars, an extra field that the official SDKs keep as an
     * additional property.
     */
    public Usage withCost(BigDecimal dollars) {
        Map<String, JsonNode> withCost = new LinkedHashMap<>(extra);
        withCost.put("cost", DecimalNode.valueOf(dollars));
        return new Usage(
                promptTokens, completionTokens, totalTokens, promptTokensDetails, completionTokensDetails, withCost);
    }

    public static Usage of(int promptTokens, int completionTokens) {
        return new Usage(
                promptTokens, completionTokens, promptTokens + completionTokens, null, null, new LinkedHashMap<>());
    }
}
