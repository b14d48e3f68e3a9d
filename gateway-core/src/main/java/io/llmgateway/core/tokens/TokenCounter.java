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
 *
 * <p>Counting takes time linear in the text. Byte-pair encoding is not linear in the length of one word, and a
 * hostile "word" of megabytes took seconds and hundreds of megabytes: so a run of more than
 * {@link #MAX_ENCODED_RUN} letters, spaces or symbols of one kind is not encoded but counted as its UTF-8 bytes, an
 * upper bound (no {@code cl100k_base} token is shorter than a byte). Text without such runs is counted exactly.
 */
public final class TokenCounter {

    /** The longest run of one kind of character that is encoded; longer runs count one token per byte. */
    public static final int MAX_ENCODED_RUN = 1000;

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_NAME = 1;
    private static final int REPLY_PRIMING = 3;

    private static final int LETTER = 0;
    private static final int SPACE = 1;
    private static final int DIGIT = 2;
    private static final int OTHER = 3;

    private final Encoding encoding;

    public TokenCounter(EncodingType type) {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(type);
        encoding.countTokensOrdinary("warm up");
    }

    /** A counter with {@code cl100k_base}. */
    public static TokenCounter cl100k() {
        return new TokenCounter(EncodingType.CL100K_BASE);
    }

    /** Tokens of a plain text. */
    public int count(String text) {
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
            if (kind != runKind || kind == DIGIT) {  // digits are encoded three at a time: never a long piece
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
    public int countPrompt(List<ChatMessage> messages) {
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
    public static long promptLength(List<ChatMessage> messages) {
        if (messages == null) {
            return 0;
        }
        long length = 0;
        for (ChatMessage message : messages) {
            length += message.text().length() + (message.role() == null ? 0 : message.role().length())
                    + (message.name() == null ? 0 : message.name().length());
        }
        return length;
    }

    /**
     * The token ids of a text. A run longer than {@link #MAX_ENCODED_RUN} is encoded in pieces of that length, so
     * encoding stays linear; the ids then differ from a whole-text encoding only inside such runs.
     */
    public IntArrayList encode(String text) {
        IntArrayList ids = new IntArrayList();
        int segment = 0;
        int runStart = 0;
        int runKind = -1;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int kind = kind(codePoint);
            if (kind != runKind || kind == DIGIT) {
                runKind = kind;
                runStart = i;
            }
            i += Character.charCount(codePoint);
            if (i - runStart >= MAX_ENCODED_RUN) {
                addAll(ids, encoding.encodeOrdinary(text.substring(segment, i)));
                segment = i;
                runStart = i;
                runKind = -1;
            }
        }
        if (segment == 0) {
            return encoding.encodeOrdinary(text);
        }
        addAll(ids, encoding.encodeOrdinary(text.substring(segment)));
        return ids;
    }

    /** The bytes that one token id stands for (a token may hold part of a multi-byte character). */
    public byte[] bytesOf(int token) {
        IntArrayList one = new IntArrayList(1);
        one.add(token);
        return encoding.decodeBytes(one);
    }

    private int encodedCount(String text, int from, int to) {
        if (from >= to) {
            return 0;
        }
        return encoding.countTokensOrdinary(from == 0 && to == text.length() ? text : text.substring(from, to));
    }

    private static void addAll(IntArrayList into, IntArrayList ids) {
        for (int i = 0; i < ids.size(); i++) {
            into.add(ids.get(i));
        }
    }

    private static int endOfRun(String text, int from, int kind) {
        int i = from;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            if (kind(codePoint) != kind) {
                break;
            }
            i += Character.charCount(codePoint);
        }
        return i;
    }

    private static long utf8Length(String text, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; ) {
            int codePoint = text.codePointAt(i);
            bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            i += Character.charCount(codePoint);
        }
        return bytes;
    }

    /** The kind of character, as {@code cl100k_base}'s pre-tokenizer groups them into pieces. */
    private static int kind(int codePoint) {
        if (codePoint < 0x80) {
            if ((codePoint | 0x20) >= 'a' && (codePoint | 0x20) <= 'z') {
                return LETTER;
            }
            if (codePoint >= '0' && codePoint <= '9') {
                return DIGIT;
            }
            return codePoint == ' ' || codePoint >= '\t' && codePoint <= '\r' ? SPACE : OTHER;
        }
        if (Character.isLetter(codePoint)) {
            return LETTER;
        }
        if (Character.isDigit(codePoint)) {
            return DIGIT;
        }
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) ? SPACE : OTHER;
    }
}
