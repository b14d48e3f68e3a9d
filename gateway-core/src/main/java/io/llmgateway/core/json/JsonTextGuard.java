package io.llmgateway.core.json;

import io.llmgateway.core.error.InvalidRequestException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the raw UTF-8 text of a JSON body before it is parsed and refuses what no store or upstream can hold, with a
 * 400 that names the field ({@code messages[0].content}):
 *
 * <ul>
 *   <li>the NUL character, escaped ({@code \u0000}) or not, in any string or property name: PostgreSQL cannot
 *   store it, and it is never part of a legitimate prompt;</li>
 *   <li>an unpaired UTF-16 surrogate, escaped ({@code \ud800} without its low half) or as raw bytes: it has no UTF-8
 *   form, so nothing can forward or store it;</li>
 *   <li>bytes that UTF-8 forbids and a lenient decoder would still turn into characters: an overlong form such as
 *   {@code C0 80} (a NUL in disguise) or a byte that never starts a character;</li>
 *   <li>a number of more than {@value #MAX_NUMBER_LENGTH} characters, or one beyond the range of a double
 *   ({@code 1e999}): no parameter takes either;</li>
 *   <li>nesting deeper than {@value #MAX_DEPTH} levels.</li>
 * </ul>
 *
 * <p>It is a single pass over the bytes with a small state, fed buffer by buffer. It does not check the JSON's
 * syntax: whatever it does not understand it leaves to the parser, which refuses malformed text on its own.
 */
public final class JsonTextGuard {

    /** The longest number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** The deepest nesting of objects and arrays accepted. */
    public static final int MAX_DEPTH = 128;

    private static final int INITIAL_DEPTH = 8;
    /** The part of a property name kept to name a field in an error. */
    private static final int MAX_KEY_CHARS = 64;

    /** The open containers, grown as the nesting deepens (most bodies nest a few levels, never MAX_DEPTH). */
    private byte[] containers = new byte[INITIAL_DEPTH];

    private int[] indexes = new int[INITIAL_DEPTH];
    private String[] keys = new String[INITIAL_DEPTH];
    private int depth;
    private boolean expectKey;

    private boolean inString;
    private boolean stringIsKey;
    private final StringBuilder key = new StringBuilder();
    private int escape; // 0 none; 1 after '\'; 2..5 reading the hex digits of a \\u escape
    private int hex;
    private boolean highPending; // a high surrogate escape was read; its low half must follow at once
    private int highPendingStep; // 0: expect '\'; 1: expect 'u'
    private int lead; // the lead byte of a multi-byte character whose second byte is next, or 0

    private boolean inNumber;
    private final StringBuilder number = new StringBuilder();
    private boolean done;

    /** Checks a whole body; throws the 400 for the first thing it refuses. */
    public static void check(ByteBuffer body) {
        JsonTextGuard guard = new JsonTextGuard();
        guard.feed(body);
        guard.finish();
    }

    /** Checks a whole body; throws the 400 for the first thing it refuses. */
    public static void check(byte[] body) {
        check(ByteBuffer.wrap(body));
    }

    /** The next bytes of the body. */
    public void feed(ByteBuffer bytes) {
        for (int i = bytes.position(); i < bytes.limit() && !done; i++) {
            next(bytes.get(i) & 0xFF);
        }
    }

    /** The body has ended. */
    public void finish() {
        if (inNumber) {
            endNumber();
        }
    }

    private void next(int b) {
        if (inString) {
            inString(b);
            return;
        }
        if (inNumber) {
            if ((b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E') {
                if (number.length() == MAX_NUMBER_LENGTH) {
                    throw refuse("a number may have at most " + MAX_NUMBER_LENGTH + " characters.");
                }
                number.append((char) b);
                return;
            }
            endNumber();
        }
        switch (b) {
            case '"' -> {
                inString = true;
                stringIsKey = depth > 0 && containers[depth - 1] == '{' && expectKey;
                key.setLength(0);
            }
            case '{', '[' -> {
                if (depth == MAX_DEPTH) {
                    throw InvalidRequestException.malformedJson(
                            "The JSON body is nested more than " + MAX_DEPTH + " levels deep.");
                }
                if (depth == containers.length) {
                    int deeper = Math.min(MAX_DEPTH, depth * 2);
                    containers = Arrays.copyOf(containers, deeper);
                    indexes = Arrays.copyOf(indexes, deeper);
                    keys = Arrays.copyOf(keys, deeper);
                }
                containers[depth] = (byte) b;
                indexes[depth] = 0;
                keys[depth] = null;
                depth++;
                expectKey = b == '{';
            }
            case '}', ']' -> {
                if (depth == 0) {
                    done = true; // malformed: the parser says so
                    return;
                }
                depth--;
                expectKey = false;
            }
            case ',' -> {
                if (depth > 0) {
                    if (containers[depth - 1] == '[') {
                        indexes[depth - 1]++;
                    } else {
                        expectKey = true;
                    }
                }
            }
            case ':' -> expectKey = false;
            default -> {
                if (b == '-' || (b >= '0' && b <= '9')) {
                    inNumber = true;
                    number.setLength(0);
                    number.append((char) b);
                }
                // whitespace, true, false, null, or anything malformed: nothing to check
            }
        }
    }

    private void inString(int b) {
        if (highPending && escape == 0) {
            // a high surrogate escape must be followed at once by "\\u" and a low one
            if (highPendingStep == 0 && b == '\\') {
                highPendingStep = 1;
                return;
            }
            if (highPendingStep == 1 && b == 'u') {
                escape = 2;
                hex = 0;
                return;
            }
            throw refuse(unpaired());
        }
        if (escape == 1) {
            if (b == 'u') {
                escape = 2;
                hex = 0;
            } else {
                escape = 0;
                keyChar(b);
            }
            return;
        }
        if (escape >= 2) {
            int digit = Character.digit(b, 16);
            if (digit < 0) {
                done = true; // malformed escape: the parser says so
                return;
            }
            hex = hex * 16 + digit;
            if (++escape == 6) {
                escape = 0;
                escaped(hex);
            }
            return;
        }
        if (lead != 0) {
            int first = lead;
            lead = 0;
            if (first == 0xED && b >= 0xA0 && b <= 0xBF) { // a surrogate encoded as UTF-8
                throw refuse(unpaired());
            }
            if ((first == 0xE0 && b < 0xA0) || (first == 0xF0 && b < 0x90)) { // an overlong form
                throw refuse(invalidUtf8());
            }
        }
        if (b == 0xC0 || b == 0xC1 || b >= 0xF5) { // never in UTF-8; C0 80 would decode to a NUL
            throw refuse(invalidUtf8());
        }
        switch (b) {
            case '"' -> endString();
            case '\\' -> escape = 1;
            case 0 -> throw refuse(nul());
            case 0xE0, 0xED, 0xF0 -> lead = b;
            default -> keyChar(b);
        }
    }

    private void escaped(int codeUnit) {
        if (highPending) {
            highPending = false;
            if (!Character.isLowSurrogate((char) codeUnit)) {
                throw refuse(unpaired());
            }
            keyChar('?');
            return;
        }
        if (codeUnit == 0) {
            throw refuse(nul());
        }
        if (Character.isHighSurrogate((char) codeUnit)) {
            highPending = true;
            highPendingStep = 0;
            return;
        }
        if (Character.isLowSurrogate((char) codeUnit)) {
            throw refuse(unpaired());
        }
        keyChar(codeUnit);
    }

    private void endString() {
        inString = false;
        if (stringIsKey && depth > 0) {
            keys[depth - 1] = key.toString();
        }
    }

    private void keyChar(int c) {
        if (stringIsKey && key.length() < MAX_KEY_CHARS) {
            key.append(c < 0x80 ? (char) c : '?');
        }
    }

    private void endNumber() {
        inNumber = false;
        boolean fraction = false;
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            fraction |= c == '.' || c == 'e' || c == 'E';
        }
        if (fraction || number.length() > 18) {
            try {
                if (Double.isInfinite(Double.parseDouble(number.toString()))) {
                    throw refuse("the number is out of range.");
                }
            } catch (NumberFormatException malformed) {
                done = true; // the parser says so
            }
        }
    }

    private static String nul() {
        return "it contains a NUL character (\\u0000), which the gateway does not accept.";
    }

    private static String invalidUtf8() {
        return "it is not valid UTF-8 (an overlong form or a byte that never starts a character).";
    }

    private static String unpaired() {
        return "it contains an unpaired UTF-16 surrogate, which is not valid Unicode.";
    }

    /** A 400 naming the field being read: its path, or the property name when the name itself is at fault. */
    private InvalidRequestException refuse(String problem) {
        String path = path(inString && stringIsKey);
        if (path.isEmpty()) {
            return InvalidRequestException.malformedJson("Invalid JSON body: " + problem);
        }
        String what = inString && stringIsKey ? "a property name in '" + path + "'" : "'" + path + "'";
        return InvalidRequestException.invalidParameter(path, "Invalid value for " + what + ": " + problem);
    }

    /** The path of the value being read, as {@code messages[0].content}; without the last key for a name. */
    private String path(boolean name) {
        StringBuilder path = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            if (containers[level] == '[') {
                path.append('[').append(indexes[level]).append(']');
            } else {
                boolean last = level == depth - 1;
                String key = keys[level];
                if (key == null || (last && name)) {
                    continue;
                }
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(key);
            }
        }
        return path.toString();
    }
}
