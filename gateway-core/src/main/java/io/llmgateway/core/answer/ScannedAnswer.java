package io.llmgateway.core.answer;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * An upstream's answer as the bytes it sent (a {@code chat.completion}, or one {@code chat.completion.chunk} event of
 * a stream) and what the gateway needs to know of it, found in one pass by {@link AnswerScanner}: where the model id,
 * the usage and the object's end are (so that the gateway can change those and pass every other byte on as it came),
 * the usage it reports, its first finish reason and the text it delivers.
 *
 * <p>Offsets are byte offsets into {@link #json()}; {@code -1} means absent.
 */
public final class ScannedAnswer {

    private final byte[] json;
    private final int objectStart;
    private final int objectEnd;
    private final int modelStart;
    private final int modelEnd;
    private final int usageStart;
    private final int usageEnd;
    private final boolean usageIsObject;
    private final boolean usageHasFields;
    private final @Nullable Integer promptTokens;
    private final @Nullable Integer completionTokens;
    private final @Nullable Integer cachedTokens;
    private final int choices;
    private final int choicesWithMessage;
    private final @Nullable String finishReason;
    private final String text;
    private final boolean error;

    ScannedAnswer(
            byte[] json,
            int objectStart,
            int objectEnd,
            int modelStart,
            int modelEnd,
            int usageStart,
            int usageEnd,
            boolean usageIsObject,
            boolean usageHasFields,
            @Nullable Integer promptTokens,
            @Nullable Integer completionTokens,
            @Nullable Integer cachedTokens,
            int choices,
            int choicesWithMessage,
            @Nullable String finishReason,
            String text,
            boolean error) {
        this.json = json;
        this.objectStart = objectStart;
        this.objectEnd = objectEnd;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.usageStart = usageStart;
        this.usageEnd = usageEnd;
        this.usageIsObject = usageIsObject;
        this.usageHasFields = usageHasFields;
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.cachedTokens = cachedTokens;
        this.choices = choices;
        this.choicesWithMessage = choicesWithMessage;
        this.finishReason = finishReason;
        this.text = text;
        this.error = error;
    }

    /** Whether the object has a top-level {@code error}: an error reported in place of an answer. */
    public boolean isError() {
        return error;
    }

    /** The bytes as the upstream sent them; never change them. */
    public byte[] json() {
        return json;
    }

    /** Offset of the top-level object's opening brace. */
    public int objectStart() {
        return objectStart;
    }

    /** Offset of the top-level object's closing brace. */
    public int objectEnd() {
        return objectEnd;
    }

    /** Offset of the top-level {@code model} value (its opening quote), or -1. */
    public int modelStart() {
        return modelStart;
    }

    /** Offset just after the top-level {@code model} value, or -1. */
    public int modelEnd() {
        return modelEnd;
    }

    /** Offset of the top-level {@code usage} value, or -1 when there is no {@code usage} key. */
    public int usageStart() {
        return usageStart;
    }

    /** Offset just after the top-level {@code usage} value (after its closing brace), or -1. */
    public int usageEnd() {
        return usageEnd;
    }

    /** Whether {@code usage} is an object (not {@code null}). */
    public boolean hasUsage() {
        return usageIsObject;
    }

    /** Whether the {@code usage} object has at least one member. */
    public boolean usageHasFields() {
        return usageHasFields;
    }

    /** {@code usage.prompt_tokens}, or null. */
    public @Nullable Integer promptTokens() {
        return promptTokens;
    }

    /** {@code usage.completion_tokens}, or null. */
    public @Nullable Integer completionTokens() {
        return completionTokens;
    }

    /** {@code usage.prompt_tokens_details.cached_tokens}, or null. */
    public @Nullable Integer cachedTokens() {
        return cachedTokens;
    }

    /** Whether the usage gives both the prompt's and the completion's tokens. */
    public boolean hasCompleteUsage() {
        return promptTokens != null && completionTokens != null;
    }

    /** The number of {@code choices}; -1 when the answer has no {@code choices} array. */
    public int choices() {
        return choices;
    }

    /** The choices with a {@code message} (a completion) or a {@code delta} (a chunk) object. */
    public int choicesWithMessage() {
        return choicesWithMessage;
    }

    /** The first non-null {@code finish_reason} of the choices, or null. */
    public @Nullable String finishReason() {
        return finishReason;
    }

    /**
     * The text the answer delivers: content, refusal, reasoning and tool calls' names and arguments of every choice,
     * concatenated; empty when none. What the tokenizer counts when the upstream reports no usage.
     */
    public String text() {
        return text;
    }

    /** Whether this is the chunk that only reports usage (no choices). */
    public boolean isUsageOnly() {
        return usageIsObject && choices <= 0;
    }

    @Override
    public String toString() {
        // the size only: the content is model output, which stays out of logs
        return "ScannedAnswer[" + json.length + " bytes, choices=" + choices + ", usage=" + usageIsObject + "]";
    }

    /** The bytes as text, for tests and error messages that need it. */
    public String jsonText() {
        return new String(json, StandardCharsets.UTF_8);
    }
}
