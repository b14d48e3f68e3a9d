package io.llmgateway.app.security;

import java.io.Serial;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A signed-in console session: a gateway user (signed in through the identity provider or with a personal access
 * token) or the holder of an admin token. What it may do is the admin API's access policy's to say, as for a key.
 * Kept in the session; holds no secret.
 */
public final class ConsoleAuthentication extends AbstractAuthenticationToken {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The authority of every console session. */
    public static final String CONSOLE = "CONSOLE";

    /** The name of the console's session cookie. */
    public static final String SESSION_COOKIE = "GATEWAY_SESSION";

    private final String actorId;
    private final @Nullable String userId;
    private final boolean adminToken;
    private final String via;

    /**
     * @param actorId    what the audit log records as the key: the admin token's or personal access token's key
     *                   id, or {@code sso} for a sign-in through the identity provider
     * @param userId     the gateway user; null for an admin token
     * @param adminToken signed in with an admin token (every right)
     * @param via        how: {@code sso}, {@code admin-token} or {@code personal-token}
     */
    public ConsoleAuthentication(String actorId, @Nullable String userId, boolean adminToken, String via) {
        super(List.of(new SimpleGrantedAuthority(CONSOLE)));
        this.actorId = actorId;
        this.userId = userId;
        this.adminToken = adminToken;
        this.via = via;
        setAuthenticated(true);
    }

    public String actorId() {
        return actorId;
    }

    public @Nullable String userId() {
        return userId;
    }

    public boolean adminToken() {
        return adminToken;
    }

    public String via() {
        return via;
    }

    @Override
    public @Nullable Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return userId != null ? userId : actorId;
    }

    @Override
    public String toString() {
        return "ConsoleAuthentication[" + getPrincipal() + " via " + via + "]";
    }
}
