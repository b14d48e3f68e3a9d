package io.llmgateway.app.console;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The web console: its sessions and its sign-in.
 *
 * @param sessionIdleTimeout how long a session lasts without a request (default 30m)
 * @param sessionMaxAge      the longest a session lasts at all, however active (default 12h)
 * @param secureCookie       {@code auto} (the default: {@code Secure} when the request came over TLS, directly or,
 *                           as {@code X-Forwarded-Proto: https}, through a proxy), {@code always} or {@code never}
 * @param oidc               single sign-on with an OpenID Connect provider; off while {@code issuer-uri} is empty
 */
@Validated
@ConfigurationProperties("gateway.console")
public record ConsoleProperties(
        @DefaultValue("30m") @DurationMin(seconds = 1) Duration sessionIdleTimeout,
        @DefaultValue("12h") @DurationMin(seconds = 1) Duration sessionMaxAge,
        @DefaultValue("auto") SecureCookie secureCookie,
        @DefaultValue @Valid Oidc oidc) {

    /** When the session cookie carries {@code Secure}. */
    public enum SecureCookie {
        /** When the request came over TLS. */
        AUTO,
        /** Always. */
        ALWAYS,
        /** Never (plain HTTP on a trusted network only). */
        NEVER
    }

    /**
     * Single sign-on: the authorization code flow with PKCE against any OpenID Connect provider (Keycloak, Entra
     * ID, Okta, Google, ...). A user is created at the first sign-in; the roles claim maps groups to gateway roles
     * and, optionally, to project memberships.
     *
     * @param issuerUri           the provider's issuer, e.g. {@code https://keycloak.example/realms/acme}; its
     *                            {@code /.well-known/openid-configuration} is read at the first sign-in
     * @param clientId            the gateway's client id at the provider
     * @param clientSecret        its secret; prefer {@code client-secret-file} or an environment placeholder
     * @param clientSecretFile    a file holding the secret (a mounted secret); wins over {@code client-secret}
     * @param scopes              the scopes asked for (default {@code openid, profile, email})
     * @param userIdClaim         the claim that names the gateway user (default {@code preferred_username}; the
     *                            subject when the token has no such claim)
     * @param rolesClaim          the claim that lists the user's groups or roles (default {@code groups})
     * @param administratorGroups groups whose members are gateway administrators
     * @param auditorGroups       groups whose members are auditors
     * @param projectGroupPrefix  when set, a group {@code <prefix><project>:owner} or {@code <prefix><project>:member}
     *                            makes the user an owner or member of that existing project at each sign-in
     * @param displayName         the name of the provider on the sign-in page (default {@code single sign-on})
     */
    public record Oidc(
            @Nullable URI issuerUri,
            @Nullable String clientId,
            @Nullable String clientSecret,
            @Nullable Path clientSecretFile,
            @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
            @DefaultValue("preferred_username") String userIdClaim,
            @DefaultValue("groups") String rolesClaim,
            @DefaultValue List<String> administratorGroups,
            @DefaultValue List<String> auditorGroups,
            @Nullable String projectGroupPrefix,
            @DefaultValue("single sign-on") String displayName) {

        public boolean enabled() {
            return issuerUri != null && !issuerUri.toString().isBlank();
        }

        @AssertTrue(message = "scopes must include openid: the sign-in reads the ID token") boolean isOpenIdAsked() {
            return scopes.contains("openid");
        }

        @AssertTrue(message = "client-id is needed with an issuer-uri") boolean isClientIdSetWhenEnabled() {
            return !enabled() || (clientId != null && !clientId.isBlank());
        }
    }
}
