package io.llmgateway.app.security;

import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.core.error.AccessException;
import java.util.Objects;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import reactor.core.publisher.Mono;

/** Verifies the presented key with the {@link KeyVerifier} of the auth module. */
public class KeyAuthenticationManager implements ReactiveAuthenticationManager {

    private final KeyVerifier verifier;

    public KeyAuthenticationManager(KeyVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        // what the manager is given is the converter's unverified authentication, which holds the token
        String token = Objects.requireNonNull(((KeyAuthentication) authentication).token(), "an unverified key");
        return verifier.verify(token)
                .<Authentication>map(KeyAuthentication::verified)
                .onErrorMap(AccessException.class, e -> new BadCredentialsException("invalid key"));
    }
}
