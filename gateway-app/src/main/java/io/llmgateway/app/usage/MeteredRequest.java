package io.llmgateway.app.usage;

import io.llmgateway.core.protocol.ChatMessage;
import java.time.Instant;
import java.util.List;

/**
 * What the usage meter needs to know about one admitted request.
 *
 * @param requestId    the request id, the record's identity
 * @param receivedAt   when the gateway received it
 * @param startedNanos {@link System#nanoTime()} at receipt, for latencies
 * @param keyId        the calling key
 * @param userId       the user it is for
 * @param projectId    the project billed
 * @param model        the model id asked for
 * @param streamed     whether the client asked for a stream
 * @param chatId       the Octo-style {@code chat_id}
 * @param clientUser   OpenAI's {@code user}
 * @param retrieval    whether retrieval ran
 * @param logPrompt    whether prompt and completion are stored with the record (asked and allowed)
 * @param promptTokens the prompt's tokens by the tokenizer (used when the upstream reports none)
 * @param messages     the prompt, for {@code log_prompt}
 * @param price        the model's price
 * @param settlement   corrects the limits reservation when the request ends
 */
public record MeteredRequest(String requestId, Instant receivedAt, long startedNanos, String keyId, String userId,
                             String projectId, String model, boolean streamed, String chatId, String clientUser,
                             boolean retrieval, boolean logPrompt, int promptTokens, List<ChatMessage> messages,
                             Price price, Settlement settlement) {

    /** Settles a request's reservation with what it used. */
    @FunctionalInterface
    public interface Settlement {

        Settlement NONE = (tokens, costPicos) -> { };

        void settle(long usedTokens, long usedCostPicos);
    }

    /** A settlement known only after admission; settling before that settles nothing. */
    public static final class DeferredSettlement implements Settlement {

        private volatile Settlement target = NONE;

        public void settleWith(Settlement settlement) {
            this.target = settlement;
        }

        @Override
        public void settle(long usedTokens, long usedCostPicos) {
            target.settle(usedTokens, usedCostPicos);
        }
    }
}
