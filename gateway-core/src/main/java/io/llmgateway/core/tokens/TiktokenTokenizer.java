package io.llmgateway.core.tokens;

import static io.llmgateway.core.tokens.CharacterRuns.DIGIT;
import static io.llmgateway.core.tokens.CharacterRuns.MAX_ENCODED_RUN;
import static io.llmgateway.core.tokens.CharacterRuns.kind;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A tiktoken encoding by name ({@code cl100k_base}, {@code o200k_base}, {@code p50k_base}, {@code p50k_edit},
 * {@code r50k_base}), run by jtokkit. Besides counting it gives token ids and their bytes, which the mock model and
 * the chunker cut texts with.
 *
 * <p>The vocabularies ship in jtokkit's jar; each is read once per JVM, when the first tokenizer of that encoding is
 * made (tens of milliseconds), and shared by every tokenizer of it.
 */
public final class TiktokenTokenizer implements Tokenizer {

    /** Loads each encoding on first use, once. */
    private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();

    private final Encoding encoding;

    private TiktokenTokenizer(Encoding encoding) {
        this.encoding = encoding;
        encoding.countTokensOrdinary("warm up");
    }

    /**
     * The encoding of that name (in any case).
     *
     * @throws IllegalArgumentException naming the known encodings when there is none of that name
     */
    public static TiktokenTokenizer named(String name) {
        EncodingType type = EncodingType.fromName(name.strip().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + name + "' is not a tiktoken encoding; known are " + String.join(", ", names())));
        return of(type);
    }

    /** {@code cl100k_base}: the encoding of GPT-4 and GPT-3.5, the gateway's default. */
    public static TiktokenTokenizer cl100k() {
        return of(EncodingType.CL100K_BASE);
    }

    /** The names of the encodings there are. */
    public static List<String> names() {
        return Arrays.stream(EncodingType.values()).map(EncodingType::getName).toList();
    }

    private static TiktokenTokenizer of(EncodingType type) {
        Encoding encoding;
        synchronized (ENCODINGS) {
            encoding = ENCODINGS.getEncoding(type);
        }
        return new TiktokenTokenizer(encoding);
    }

    @Override
    public String name() {
        return encoding.getName();
    }

    @Override
    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }

    /**
     * The token ids of a text. A run of one kind of character longer than {@value CharacterRuns#MAX_ENCODED_RUN} is
     * encoded in pieces of that length, so encoding stays linear; the ids then differ from a whole-text encoding only
     * inside such runs.
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

    private static void addAll(IntArrayList into, IntArrayList ids) {
        for (int i = 0; i < ids.size(); i++) {
            into.add(ids.get(i));
        }
    }

    @Override
    public String toString() {
        return "TiktokenTokenizer[" + name() + "]";
    }
}
