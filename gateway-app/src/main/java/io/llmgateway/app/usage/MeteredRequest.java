package io.llmgateway.app.usage;

import java.time.Instant;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Whose request a {@link UsageRecorder} records, and what its record says besides the counts.
 *
 * @param requestId    the request id, the record's identity
 * @param operation    {@code chat} or {@code embeddings}, for the metrics
 * @param receivedAt   when the gateway received it
 * @param startedNanos {@link System#nanoTime()} at its first byte, for latencies
 * @param keyId        the calling key
 * @param userId       the user it is for
 * @param projectId    the project billed
 * @param model        the model id asked for
 * @param price        the model's price
 * @param streamed     whether the client asked for a stream
 * @param chatId       the Octo-style {@code chat_id}
 * @param clientUser   OpenAI's {@code user}
 * @param retrieval    whether retrieval ran
 * @param prompt       the prompt as JSON for {@code log_prompt} (asked and allowed), else null
 */
public record MeteredRequest(
        String requestId,
        String operation,
        Instant receivedAt,
        long startedNanos,
        String keyId,
        String userId,
        String projectId,
        String model,
        Price price,
        boolean streamed,
        @Nullable String chatId,
        @Nullable String clientUser,
        boolean retrieval,
        @Nullable Supplier<String> prompt) {

    public static final String CHAT = "chat";
    public static final String EMBEDDINGS = "embeddings";

    /** An embedding request's: never streamed, nothing logged. */
    public static MeteredRequest embeddings(
            String requestId,
            Instant receivedAt,
            long startedNanos,
            String keyId,
            String userId,
            String projectId,
            String model,
            Price price,
            @Nullable String clientUser) {
        return new MeteredRequest(
                requestId,
                EMBEDDINGS,
                receivedAt,
                startedNanos,
                keyId,
                userId,
                projectId,
                model,
                price,
                false,
                null,
                clientUser,
                false,
                null);
    }

    public boolean logPrompt() {
        return prompt != null;
    }
}
