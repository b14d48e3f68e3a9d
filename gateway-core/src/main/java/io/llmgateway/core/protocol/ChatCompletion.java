package io.llmgateway.core.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A {@code chat.completion} object: the answer to a request with {@code stream: false}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletion(
        @Nullable String id,
        @Nullable String object,
        @Nullable Long created,
        @Nullable String model,
        @Nullable List<Choice> choices,
        @Nullable Usage usage,
        @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
        @JsonProperty("service_tier") @Nullable String serviceTier,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public static final String OBJECT = "chat.completion";

    public ChatCompletion {
        choices = Unmodifiable.list(choices);
        extra = Unmodifiable.extra(extra);
    }

    /** A copy that names another model (the public id the client asked for). */
    public ChatCompletion withModel(String model) {
        return new ChatCompletion(id, object, created, model, choices, usage, systemFingerprint, serviceTier, extra);
    }

    /** A copy with another usage (the gateway's cost added, or counts the upstream did not report). */
    public ChatCompletion withUsage(@Nullable Usage usage) {
        return new ChatCompletion(id, object, created, model, choices, usage, systemFingerprint, serviceTier, extra);
    }

    /** One choice of a completion. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Choice(
            @Nullable Integer index,
            @Nullable ChatMessage message,

            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") @Nullable String finishReason,

            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable JsonNode logprobs,

            @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

        public Choice {
            extra = Unmodifiable.extra(extra);
        }
    }
}
