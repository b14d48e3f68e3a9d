package io.llmgateway.core.tokens;

/**
 * Runs of one kind of character (letters, spaces, digits, other symbols), as byte-pair encodings' pre-tokenizers
 * group them into pieces: the unit whose encoding time is not linear in its length.
 */
final class CharacterRuns {

    /** The longest run of one kind of character that is encoded; longer runs are never encoded whole. */
    static final int MAX_ENCODED_RUN = 1000;

    static final int LETTER = 0;
    static final int SPACE = 1;
    static final int DIGIT = 2;
    static final int OTHER = 3;

    private CharacterRuns() {}

    /** The kind of a character. */
    static int kind(int codePoint) {
        if (codePoint < 0x80) {
            if ((codePoint | 0x20) >= 'a' && (codePoint | 0x20) <= 'z') {
                return LETTER;
            }
            if (codePoint >= '0' && codePoint <= '9') {
                return DIGIT;
            }
            return codePoint == ' ' || (codePoint >= '\t' && codePoint <= '\r') ? SPACE : OTHER;
        }
        if (Character.isLetter(codePoint)) {
            return LETTER;
        }
        if (Character.isDigit(codePoint)) {
            return DIGIT;
        }
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) ? SPACE : OTHER;
    }

    /** Where the run of {@code kind} that goes on at {@code from} ends. */
    static int endOfRun(String text, int from, int kind) {
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

    /** The UTF-8 bytes of a part of a text. */
    static long utf8Length(String text, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; ) {
            int codePoint = text.codePointAt(i);
            bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            i += Character.charCount(codePoint);
        }
        return bytes;
    }
}
