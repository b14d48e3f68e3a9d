package io.llmgateway.app.usage;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's line for one request that reached admission: exactly one per request id.
 *
 * @param requestId          the {@code x-request-id} given to the client; the record's identity
 * @param createdAt          when the gateway received the request
 * @param keyId              the key that called
 * @param userId             the user it was for
 * @param projectId          the project it is billed to
 * @param model              the model id the client asked for
 * @param deployment         the deployment that served it last (null when none was called)
 * @param promptTokens       prompt tokens, cached ones included
 * @param completionTokens   completion tokens delivered
 * @param cachedPromptTokens prompt tokens the upstream served from its cache, when it reports them
 * @param tokenSource        whether the counts are the upstream's or the tokenizer's
 * @param costPicos          the cost in pico-dollars, from the price table
 * @param status             how it ended
 * @param errorCode          the OpenAI error code of a failure or refusal
 * @param finishReason       the first choice's finish reason
 * @param latencyMillis      from receipt to the last byte
 * @param ttftMillis         from receipt to the first streamed chunk (streams only)
 * @param streamed           whether the client asked for a stream
 * @param chatId             the Octo-style {@code chat_id} when given
 * @param clientUser         OpenAI's {@code user} field when given
 * @param retrieval          whether retrieval ({@code rag_params}) ran
 * @param prompt             the messages as JSON, only when {@code log_prompt} was asked and the project allows it
 * @param completion         the completion text, under the same condition
 */
public record UsageRecord(
        String requestId,
        Instant createdAt,
        String keyId,
        String userId,
        String projectId,
        String model,
        @Nullable String deployment,
        int promptTokens,
        int completionTokens,
        @Nullable Integer cachedPromptTokens,
        TokenSource tokenSource,
        long costPicos,
        UsageStatus status,
        @Nullable String errorCode,
        @Nullable String finishReason,
        int latencyMillis,
        @Nullable Integer ttftMillis,
        boolean streamed,
        @Nullable String chatId,
        @Nullable String clientUser,
        boolean retrieval,
        @Nullable String prompt,
        @Nullable String completion) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
