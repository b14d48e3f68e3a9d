package io.llmgateway.app.usage;

import org.jspecify.annotations.Nullable;

/**
 * Text as PostgreSQL can store it. A {@code text} value cannot hold the NUL character, a {@code jsonb} value cannot
 * hold its {@code \u0000} escape, and a lone surrogate has no UTF-8 form at all; each is replaced by U+FFFD.
 */
final class StorableText {

    private static final char REPLACEMENT = '\uFFFD';
    private static final String NUL_ESCAPE = "\\u0000";

    private StorableText() {}

    /** Whether the text can be stored as it is. */
    static boolean storable(@Nullable String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pairAt(text, i)) {
                i++;
            } else if (c == 0 || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #storable(String, boolean)} of a text that may be absent. */
    static @Nullable String storableOrNull(@Nullable String text, boolean json) {
        return text == null ? null : storable(text, json);
    }

    /** The text with what PostgreSQL cannot store replaced; the same instance when there is nothing to replace. */
    static String storable(String text, boolean json) {
        if (storable(text) && !(json && text.contains(NUL_ESCAPE))) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pairAt(text, i)) {
                out.append(c).append(text.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return json ? out.toString().replace(NUL_ESCAPE, "\\ufffd") : out.toString();
    }

    /** Whether a well-formed surrogate pair starts at {@code i}. */
    private static boolean pairAt(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i))
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
