package io.llmgateway.app.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The one client registration of the console's single sign-on, read from the provider's discovery document at the
 * first sign-in rather than at start-up: a provider that is down does not stop the gateway, and a failed read is
 * tried again at the next sign-in.
 */
final class OidcClientRegistrations implements ReactiveClientRegistrationRepository {

    static final String ID = "gateway";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ConsoleProperties.Oidc oidc;
    private final @Nullable String secret;
    private final Mono<ClientRegistration> registration;

    /** Reads the client secret's file here, at start-up, off the event loop. */
    OidcClientRegistrations(ConsoleProperties.Oidc oidc, WebClient.Builder web) {
        this.oidc = oidc;
        this.secret = secret(oidc);
        String issuer = String.valueOf(oidc.issuerUri()).replaceAll("/+$", "");
        this.registration = web.build()
                .get()
                .uri(issuer + "/.well-known/openid-configuration")
                .retrieve()
                .bodyToMono(Discovery.class)
                .timeout(TIMEOUT)
                .map(discovery -> registration(issuer, discovery))
                .cache(done -> Duration.ofDays(36500), failed -> Duration.ZERO, () -> Duration.ZERO);
    }

    @Override
    public Mono<ClientRegistration> findByRegistrationId(String registrationId) {
        return ID.equals(registrationId) ? registration : Mono.empty();
    }

    private ClientRegistration registration(String issuer, Discovery discovery) {
        if (!issuer.equals(discovery.issuer().replaceAll("/+$", ""))) {
            throw new IllegalStateException(
                    "the provider at " + issuer + " names another issuer: " + discovery.issuer());
        }
        return ClientRegistration.withRegistrationId(ID)
                .clientId(String.valueOf(oidc.clientId()))
                .clientSecret(secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope(oidc.scopes())
                .authorizationUri(discovery.authorizationEndpoint())
                .tokenUri(discovery.tokenEndpoint())
                .jwkSetUri(discovery.jwksUri())
                .userInfoUri(discovery.userinfoEndpoint())
                .issuerUri(discovery.issuer())
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(Map.of("issuer", discovery.issuer()))
                .clientName(oidc.displayName())
                .build();
    }

    private static @Nullable String secret(ConsoleProperties.Oidc oidc) {
        if (oidc.clientSecretFile() != null) {
            try {
                return Files.readString(oidc.clientSecretFile()).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("gateway.console.oidc.client-secret-file cannot be read", e);
            }
        }
        return oidc.clientSecret();
    }

    /** What the console needs of a provider's discovery document. */
    record Discovery(
            String issuer,
            @JsonProperty("authorization_endpoint") String authorizationEndpoint,
            @JsonProperty("token_endpoint") String tokenEndpoint,
            @JsonProperty("jwks_uri") String jwksUri,
            @JsonProperty("userinfo_endpoint") @Nullable String userinfoEndpoint) {}
}
