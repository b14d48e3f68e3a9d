package io.llmgateway.core.tokens;

import static io.llmgateway.core.tokens.CharacterRuns.DIGIT;
import static io.llmgateway.core.tokens.CharacterRuns.endOfRun;
import static io.llmgateway.core.tokens.CharacterRuns.kind;
import static io.llmgateway.core.tokens.CharacterRuns.utf8Length;

import io.llmgateway.core.protocol.ChatMessage;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Counts tokens with a model's {@link Tokenizer} ({@code cl100k_base} unless the model has its own), for providers
 * that do not report usage and for estimates before a call.
 *
 * <p>Message counting follows OpenAI's published recipe, whatever the tokenizer: each message costs its content and
 * role plus 3 tokens of framing (a name 1 more), and every reply is primed with 3 tokens. For a model with its own
 * (Hugging Face) tokenizer the content and role are counted exactly and the framing is that same estimate of its
 * chat template's special tokens (Llama 3's, for one, frames each message with 4 besides its role); text a
 * template adds by itself, such as a default system prompt, is not counted. Counting itself does no I/O.
 *
 * <p>Counting takes time linear in the text. Tokenizers are not linear in the length of one word (a hostile "word"
 * of megabytes took seconds and hundreds of megabytes with byte-pair encoding): so a run of more than
 * {@link #MAX_ENCODED_RUN} letters, spaces or symbols of one kind is not encoded but counted as its UTF-8 bytes, an
 * upper bound for every tokenizer whose tokens each stand for at least one byte of the text (byte-level BPE like
 * {@code cl100k_base} and Llama 3's, SentencePiece, WordPiece). Text without such runs is counted exactly.
 */
public final class TokenCounter {

    /** The longest run of one kind of character that is encoded; longer runs count one token per byte. */
    public static final int MAX_ENCODED_RUN = CharacterRuns.MAX_ENCODED_RUN;

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int REPLY_PRIMING = 3;

    private final Tokenizer tokenizer;

    public TokenCounter(Tokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** A counter with {@code cl100k_base}. */
    public static TokenCounter cl100k() {
        return new TokenCounter(TiktokenTokenizer.cl100k());
    }

    /** The tokenizer it counts with. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Tokens of a plain text. */
    public int count(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        long total = 0;
        int segment = 0;
        int runStart = 0;
        int runKind = -1;
        int length = text.length();
        for (int i = 0; i < length; ) {
            int codePoint = text.codePointAt(i);
            int kind = kind(codePoint);
            if (kind != runKind || kind == DIGIT) { // digits are encoded three at a time: never a long piece
                runKind = kind;
                runStart = i;
            }
            i += Character.charCount(codePoint);
            if (i - runStart > MAX_ENCODED_RUN) {
                int runEnd = endOfRun(text, i, runKind);
                total += encodedCount(text, segment, runStart) + utf8Length(text, runStart, runEnd);
                segment = runEnd;
                i = runEnd;
                runKind = -1;
            }
        }
        total += encodedCount(text, segment, length);
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** Tokens of a prompt: every message with its framing, plus the reply priming. */
    public int countPrompt(@Nullable List<ChatMessage> messages) {
        if (messages == null) {
            return 0;
        }
        long tokens = REPLY_PRIMING;
        for (ChatMessage message : messages) {
            tokens += TOKENS_PER_MESSAGE + count(message.role()) + count(message.text());
            if (message.name() != null) {
                tokens += TOKENS_PER_NAME + count(message.name());
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, tokens);
    }

    /** The characters of a prompt's texts: what counting it costs, roughly. */
    public static long promptLength(@Nullable List<ChatMessage> messages) {
        if (messages == null) {
            return 0;
        }
        long length = 0;
        for (ChatMessage message : messages) {
            length += message.text().length()
                    + (message.role() == null ? 0 : message.role().length())
                    + (message.name() == null ? 0 : message.name().length());
        }
        return length;
    }

    private int encodedCount(String text, int from, int to) {
        if (from >= to) {
            return 0;
        }
        return tokenizer.count(from == 0 && to == text.length() ? text : text.substring(from, to));
    }

    @Override
    public String toString() {
        return "TokenCounter[" + tokenizer.name() + "]";
    }
}
