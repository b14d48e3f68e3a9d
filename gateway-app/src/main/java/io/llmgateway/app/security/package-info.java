/**
 * Spring Security wiring, two filter chains ({@link SecurityConfiguration}): the data plane's ({@code /v1/...}), whose
 * one filter {@link DataPlaneAuthenticationFilter} verifies the key and resolves the {@code Caller} with the
 * {@code auth} module, and the admin API's and actuator's ({@link KeyAuthenticationManager},
 * {@link BearerKeyConverter}). Failures are answered by {@link AuthFailures}, client addresses read by
 * {@link ClientAddresses} (forwarding headers honoured from trusted proxies only), and {@link CheckedOnceFirewall}
 * applies the strict firewall's rules once per request.
 *
 * <p>{@link CallerArgumentResolver} and {@link AdminActorArgumentResolver} give handlers who is calling. The
 * verification rules themselves are {@code auth}'s, not this package's.
 */
@NullMarked
package io.llmgateway.app.security;

import org.jspecify.annotations.NullMarked;
