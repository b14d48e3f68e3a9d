package io.llmgateway.app.admin;

import io.llmgateway.core.error.InvalidRequestException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Stable string ids: chosen by the admin, or {@code usr_} / {@code prj_} and 16 random characters. Random ids
 * need no cryptographic strength (they are not secrets), so they come from {@link ThreadLocalRandom}, which never
 * blocks.
 */
final class Ids {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private Ids() {}

    static String chosenOrNew(@Nullable String chosen, String prefix) {
        if (chosen == null) {
            StringBuilder id = new StringBuilder(prefix);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 16; i++) {
                id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            return id.toString();
        }
        if (!VALID.matcher(chosen).matches()) {
            throw InvalidRequestException.invalidParameter(
                    "id", "'id' must be 1 to 64 characters of letters, digits, '.', '_', '@' and '-'.");
        }
        return chosen;
    }
}
