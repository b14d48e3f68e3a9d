package io.llmgateway.auth.key;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The key format: {@code <prefix><key id>_<secret><checksum>}, e.g. {@code gws_k7Qm2XbT9pLs_<43 chars><6 chars>}.
 *
 * <ul>
 *   <li>prefix: {@code gwp_}, {@code gws_} or {@code gwa_} (see {@link KeyKind}); fixed, so secret scanners can
 *   match it;</li>
 *   <li>key id: 12 base62 characters, public (it appears in listings and the audit log);</li>
 *   <li>secret: 32 random bytes (256 bits) from {@link SecureRandom}, base62, 43 characters;</li>
 *   <li>checksum: CRC-32 of everything before it, base62, 6 characters, so that a mistyped or truncated key is
 *   refused without a database look-up.</li>
 * </ul>
 */
public final class ApiKeyFormat {

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    static final int KEY_ID_LENGTH = 12;
    static final int SECRET_LENGTH = 43;
    static final int CHECKSUM_LENGTH = 6;
    private static final int BODY_LENGTH = KEY_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH;

    private final SecureRandom random = new SecureRandom();

    /** A new key of this kind. */
    public IssuedKey issue(KeyKind kind) {
        return issue(kind, randomKeyId());
    }

    /** A new secret for an existing key id (rotation keeps the id). */
    public IssuedKey issue(KeyKind kind, String keyId) {
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = fixedBase62(secretBytes, SECRET_LENGTH);
        String withoutChecksum = kind.prefix() + keyId + "_" + secret;
        return new IssuedKey(kind, keyId, secret, withoutChecksum + checksum(withoutChecksum));
    }

    /** A fresh public key id. */
    public String randomKeyId() {
        byte[] bytes = new byte[9];
        random.nextBytes(bytes);
        return fixedBase62(bytes, KEY_ID_LENGTH);
    }

    /** The parts of a well-formed key with a valid checksum; empty for anything else. */
    public static Optional<ParsedKey> parse(String token) {
        if (token == null || token.length() != 4 + BODY_LENGTH) {
            return Optional.empty();
        }
        KeyKind kind = null;
        for (KeyKind candidate : KeyKind.values()) {
            if (token.startsWith(candidate.prefix())) {
                kind = candidate;
            }
        }
        if (kind == null || token.charAt(4 + KEY_ID_LENGTH) != '_') {
            return Optional.empty();
        }
        for (int i = 4; i < token.length(); i++) {
            if (i != 4 + KEY_ID_LENGTH && !isBase62(token.charAt(i))) {
                return Optional.empty();
            }
        }
        int checksumStart = token.length() - CHECKSUM_LENGTH;
        if (!checksum(token.substring(0, checksumStart)).equals(token.substring(checksumStart))) {
            return Optional.empty();
        }
        String keyId = token.substring(4, 4 + KEY_ID_LENGTH);
        String secret = token.substring(4 + KEY_ID_LENGTH + 1, checksumStart);
        return Optional.of(new ParsedKey(kind, keyId, secret));
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    static String checksum(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }

    /** Base62 of an unsigned big-endian number, left-padded to exactly {@code length} characters. */
    private static String fixedBase62(byte[] bytes, int length) {
        BigInteger value = new BigInteger(1, bytes);
        BigInteger base = BigInteger.valueOf(62);
        char[] out = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            BigInteger[] division = value.divideAndRemainder(base);
            out[i] = BASE62[division[1].intValue()];
            value = division[0];
        }
        return new String(out);
    }

    /** A key just issued: {@link #token()} is shown once and never stored. */
    public record IssuedKey(KeyKind kind, String keyId, String secret, String token) {

        /** The last four characters, stored to help people recognise a key. */
        public String lastFour() {
            return token.substring(token.length() - 4);
        }

        @Override
        public String toString() {
            return "IssuedKey[" + kind + ", " + keyId + "]";
        }
    }

    /** A key as presented by a caller, checksum verified. */
    public record ParsedKey(KeyKind kind, String keyId, String secret) {

        @Override
        public String toString() {
            return "ParsedKey[" + kind + ", " + keyId + "]";
        }
    }
}
