package io.llmgateway.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.llmgateway.core.protocol.ChatMessage;
import java.util.List;

/**
 * Counts tokens with a real BPE tokenizer (jtokkit, {@code cl100k_base} by default), for providers that do not
 * report usage and for estimates before a call.
 *
 * <p>Message counting follows OpenAI's published recipe: each message costs its content and role plus 3
 * tokens of framing, and every reply is primed with 3 tokens. Loading an encoding reads its vocabulary from the
 * jar, so build a counter at start-up, never on an event-loop thread; counting itself does no I/O.
 */
public final class TokenCounter {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int REPLY_PRIMING = 3;

    private final Encoding encoding;

    public TokenCounter(EncodingType type) {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(type);
        encoding.countTokens("warm up");
    }

    /** A counter with {@code cl100k_base}. */
    public static TokenCounter cl100k() {
        return new TokenCounter(EncodingType.CL100K_BASE);
    }

    /** Tokens of a plain text. */
    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    /** Tokens of a prompt: every message with its framing, plus the reply priming. */
    public int countPrompt(List<ChatMessage> messages) {
        if (messages == null) {
            return 0;
        }
        int tokens = REPLY_PRIMING;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + count(message.role()) + count(message.text());
            if (message.name() != null) {
                tokens += TOKENS_PER_NAME + count(message.name());
            }
        }
        return tokens;
    }

    /** The token ids of a text. */
    public IntArrayList encode(String text) {
        return encoding.encodeOrdinary(text);
    }

    /** The bytes that one token id stands for (a token may hold part of a multi-byte character). */
    public byte[] bytesOf(int token) {
        IntArrayList one = new IntArrayList(1);
        one.add(token);
        return encoding.decodeBytes(one);
    }
}
