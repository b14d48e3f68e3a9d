package io.llmgateway.auth.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes of key secrets. A secret has 256 bits of randomness, so one SHA-256 is enough: there is nothing to
 * brute-force that a slow password hash would protect, and verification stays in the microseconds.
 * Comparison is constant-time.
 */
public final class SecretHash {

    private SecretHash() {}

    public static byte[] of(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether {@code secret} hashes to {@code expected}, in time independent of where they differ. */
    public static boolean matches(String secret, byte[] expected) {
        return expected != null && MessageDigest.isEqual(of(secret), expected);
    }
}
