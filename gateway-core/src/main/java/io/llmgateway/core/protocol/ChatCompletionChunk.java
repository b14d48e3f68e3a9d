package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A {@code chat.completion.chunk}: one server-sent event of a streamed completion. The usage chunk that
 * {@code stream_options.include_usage} asks for has empty {@code choices} and a {@code usage}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(
        @Nullable String id,
        @Nullable String object,
        @Nullable Long created,
        @Nullable String model,
        @Nullable List<Choice> choices,
        @Nullable Usage usage,
        @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
        @JsonProperty("service_tier") @Nullable String serviceTier,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion.chunk";

    public ChatCompletionChunk {
        choices = Unmodifiable.list(choices);
        extra = Unmodifiable.extra(extra);
    }

    /** A copy that names another model (the public id the client asked for). */
    public ChatCompletionChunk withModel(String model) {
        return new ChatCompletionChunk(
                id, object, created, model, choices, usage, systemFingerprint, serviceTier, extra);
    }

    /** A copy with another usage (the gateway's cost added). */
    public ChatCompletionChunk withUsage(@Nullable Usage usage) {
        return new ChatCompletionChunk(
                id, object, created, model, choices, usage, systemFingerprint, serviceTier, extra);
    }

    /** The chunk that reports a stream's usage: no choices, only {@code usage}. */
    public static ChatCompletionChunk usageOnly(
            @Nullable String id, @Nullable Long created, @Nullable String model, Usage usage) {
        return new ChatCompletionChunk(id, OBJECT, created, model, List.of(), usage, null, null, new LinkedHashMap<>());
    }

    /** Whether this is the usage-only chunk that ends a stream with {@code include_usage}. */
    @JsonIgnore
    public boolean isUsageOnly() {
        return usage != null && (choices == null || choices.isEmpty());
    }

    /** One choice's increment. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Choice(
            @Nullable Integer index,
            @Nullable ChatMessage delta,

            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") @Nullable String finishReason,

            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable JsonNode logprobs,

            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        public Choice {
            extra = Unmodifiable.extra(extra);
        }
    }
}
