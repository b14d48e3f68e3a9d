package io.llmgateway.app.security;

import io.llmgateway.auth.VerifiedKey;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Spring Security's view of a bearer key: unverified (holding the presented token) until the
 * {@link KeyAuthenticationManager} replaces it by a verified one (holding the {@link VerifiedKey}, no secret).
 */
public final class KeyAuthentication extends AbstractAuthenticationToken {

    /**
     * Authority of every verified key; what a key may do in the admin API is the {@code AdminAccessPolicy}'s to
     * say.
     */
    public static final String CALLER = "CALLER";

    private final transient @Nullable String token;
    private final @Nullable VerifiedKey key;

    private KeyAuthentication(@Nullable String token, @Nullable VerifiedKey key) {
        super(key == null ? List.of() : List.of(new SimpleGrantedAuthority(CALLER)));
        this.token = token;
        this.key = key;
        setAuthenticated(key != null);
    }

    static KeyAuthentication unverified(String token) {
        return new KeyAuthentication(token, null);
    }

    static KeyAuthentication verified(VerifiedKey key) {
        return new KeyAuthentication(null, key);
    }

    @Nullable String token() {
        return token;
    }

    public @Nullable VerifiedKey key() {
        return key;
    }

    @Override
    public @Nullable Object getCredentials() {
        return null;
    }

    @Override
    public @Nullable Object getPrincipal() {
        return key == null ? null : key.keyId();
    }

    @Override
    public String toString() {
        return "KeyAuthentication[" + (key == null ? "unverified" : key.keyId()) + "]";
    }
}
