package io.llmgateway.auth.identity;

import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.auth.key.SecretHash;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stored key: its owner and the hashes that a presented secret must match. Never holds a secret.
 *
 * @param previousSecretHash       after a rotation with grace, the old secret's hash
 * @param previousSecretExpiresAt  until when the old secret still works
 */
public record KeyRecord(
        String id,
        KeyKind kind,
        String name,
        @Nullable String userId,
        @Nullable String projectId,
        byte[] secretHash,
        byte @Nullable [] previousSecretHash,
        @Nullable Instant previousSecretExpiresAt,
        @Nullable Instant expiresAt,
        @Nullable Instant revokedAt) {

    /** Whether {@code secret} opens this key at {@code now}: not revoked, not expired, current or in-grace secret. */
    public boolean accepts(String secret, Instant now) {
        if (revokedAt != null || (expiresAt != null && !now.isBefore(expiresAt))) {
            return false;
        }
        if (SecretHash.matches(secret, secretHash)) {
            return true;
        }
        return previousSecretHash != null
                && previousSecretExpiresAt != null
                && now.isBefore(previousSecretExpiresAt)
                && SecretHash.matches(secret, previousSecretHash);
    }
}
