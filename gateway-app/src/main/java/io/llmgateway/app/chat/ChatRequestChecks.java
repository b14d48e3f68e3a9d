package io.llmgateway.app.chat;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.ChatMessage;
import java.util.List;

/**
 * The checks every chat request passes whatever its model: a model id, a non-empty list of messages that each
 * have a role. Model-specific ranges and message rules belong to the model's parameter profile.
 */
public final class ChatRequestChecks {

    private ChatRequestChecks() {
    }

    public static void check(ChatCompletionRequest request) {
        if (request.model() == null || request.model().isBlank()) {
            throw InvalidRequestException.invalidParameter("model", "Missing required parameter: 'model'.");
        }
        List<ChatMessage> messages = request.messages();
        if (messages == null) {
            throw InvalidRequestException.invalidParameter("messages", "Missing required parameter: 'messages'.");
        }
        if (messages.isEmpty()) {
            throw InvalidRequestException.invalidParameter("messages",
                    "'messages' must contain at least one message.");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message == null) {
                throw InvalidRequestException.invalidParameter("messages[" + i + "]",
                        "messages[" + i + "] must be an object.");
            }
            if (message.role() == null || message.role().isBlank()) {
                throw InvalidRequestException.invalidParameter("messages[" + i + "].role",
                        "Missing required parameter: 'messages[" + i + "].role'.");
            }
        }
    }
}
