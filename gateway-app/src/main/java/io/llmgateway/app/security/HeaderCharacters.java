package io.llmgateway.app.security;

/**
 * The characters Spring Security's {@code StrictServerWebExchangeFirewall} allows in header names and values and in
 * parameter names, checked by a loop instead of its regular expressions. The rules are the firewall's own: every code
 * point is assigned and is not a control character, except that a value may contain a tab
 * ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*} and {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}).
 *
 * <p>The firewall checks a header each time anything reads it, so on the data plane this runs several times per
 * request; a regular expression there cost about 1 % of the gateway's CPU in a profile ({@code bench/README.md}).
 */
final class HeaderCharacters {

    private HeaderCharacters() {}

    /** Whether a header name or a parameter name is allowed. */
    static boolean allowedName(CharSequence name) {
        return allowed(name, false);
    }

    /** Whether a header value is allowed (a tab is). */
    static boolean allowedValue(CharSequence value) {
        return allowed(value, true);
    }

    private static boolean allowed(CharSequence text, boolean tabAllowed) {
        if (text == null) { // the firewall asks about a header that is absent, as its own predicates allow
            return true;
        }
        for (int i = 0; i < text.length(); ) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) { // printable ASCII: assigned, no control character
                i++;
                continue;
            }
            int codePoint = Character.codePointAt(text, i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tabAllowed && codePoint == '\t'))) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
