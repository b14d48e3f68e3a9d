package io.llmgateway.app.security;

import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.core.error.AccessException;
import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * The answer to a failed authentication, the same for the data plane and the admin API: the failure is counted
 * against the client's address and the key id tried, and answered 401, or 429 once either has failed too often.
 */
public final class AuthFailures {

    private final AuthFailureThrottle throttle;
    private final ClientAddresses addresses;

    public AuthFailures(AuthFailureThrottle throttle, ClientAddresses addresses) {
        this.throttle = throttle;
        this.addresses = addresses;
    }

    /** The error for a request whose key (possibly none) did not authenticate. */
    public AccessException failed(ServerWebExchange exchange, @Nullable String token) {
        String keyId = token == null
                ? null
                : ApiKeyFormat.parse(token).map(ApiKeyFormat.ParsedKey::keyId).orElse(null);
        return throttle.failed(addresses.of(exchange.getRequest()), keyId)
                .map(AccessException::tooManyFailures)
                .orElseGet(AccessException::invalidApiKey);
    }
}
