package io.llmgateway.auth;

import io.llmgateway.auth.identity.IdentityStore;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.core.error.AccessException;
import java.time.Clock;
import reactor.core.publisher.Mono;

/**
 * Verifies a bearer token: format and checksum first (no look-up for a mistyped key), then the stored key
 * (cached), then the secret against its hash in constant time, revocation and expiry against the clock.
 * Every failure is the same 401, whatever the reason.
 */
public final class KeyVerifier {

    private final IdentityStore store;
    private final LastUsedRecorder lastUsed;
    private final Clock clock;

    public KeyVerifier(IdentityStore store, LastUsedRecorder lastUsed, Clock clock) {
        this.store = store;
        this.lastUsed = lastUsed;
        this.clock = clock;
    }

    public Mono<VerifiedKey> verify(String token) {
        var parsed = ApiKeyFormat.parse(token);
        if (parsed.isEmpty()) {
            return Mono.error(AccessException.invalidApiKey());
        }
        ApiKeyFormat.ParsedKey key = parsed.get();
        return store.findKey(key.keyId())
                .filter(stored -> stored.kind() == key.kind() && stored.accepts(key.secret(), clock.instant()))
                .map(stored -> {
                    lastUsed.touch(stored.id(), clock.instant());
                    return new VerifiedKey(
                            stored.id(), stored.kind(), stored.name(), stored.userId(), stored.projectId());
                })
                .switchIfEmpty(Mono.error(AccessException::invalidApiKey));
    }
}
