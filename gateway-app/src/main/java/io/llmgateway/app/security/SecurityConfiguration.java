package io.llmgateway.app.security;

import io.llmgateway.app.admin.AdminAccessPolicy;
import io.llmgateway.app.config.HttpProperties;
import io.llmgateway.app.pipeline.WarmUpCaller;
import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.auth.CallerResolver;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.core.error.AccessException;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Mono;

/**
 * Who may call what, as two Spring Security filter chains. The data plane ({@code /v1/...}) has its own chain whose
 * one filter, {@link DataPlaneAuthenticationFilter}, verifies the key and resolves the caller from the cached
 * identity store. {@code /actuator/health} is open for probes, and {@code GET /openapi.json} (the OpenAPI document)
 * for anyone; {@code /admin/v1} and the other actuator endpoints
 * take an admin token or a personal access token, and the {@link AdminAccessPolicy} decides what each may do. Refusals are errors that the one error mapping writes as OpenAI bodies: 401
 * {@code invalid_api_key} with {@code WWW-Authenticate}, 403, or 429 for an address that failed too often.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

    private static final Mono<ServerWebExchangeMatcher.MatchResult> DATA_PLANE =
            ServerWebExchangeMatcher.MatchResult.match();
    private static final Mono<ServerWebExchangeMatcher.MatchResult> NOT_DATA_PLANE =
            ServerWebExchangeMatcher.MatchResult.notMatch();

    /**
     * No Spring Security observations: they wrap every filter of every request in timers and spans that say
     * nothing a gateway operator needs (the profile in bench/README.md shows their cost). The gateway's own
     * request metrics stay.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall with its character rules for header names and values and parameters checked
     * once per request by {@link HeaderCharacters} ({@link CheckedOnceFirewall}): the same rules, without a regular
     * expression and a new wrapper on every header read of every request.
     */
    @Bean
    ServerWebExchangeFirewall serverWebExchangeFirewall() {
        return new CheckedOnceFirewall();
    }

    /** Who the client is behind the configured trusted proxies. */
    @Bean
    ClientAddresses clientAddresses(HttpProperties http) {
        return new ClientAddresses(http.trustedProxies());
    }

    @Bean
    AuthFailures authFailures(AuthFailureThrottle throttle, ClientAddresses addresses) {
        return new AuthFailures(throttle, addresses);
    }

    /**
     * The data plane: a bearer key on every request, checked by one filter, which is the whole chain. Nothing else of
     * Spring Security's runs there but its firewall: no security context (the caller is an exchange attribute), no
     * security headers (the API answers JSON and event streams as OpenAI's does), no authorization rules (the filter
     * refuses every request it cannot resolve to a caller). The chain is built by hand because
     * {@link ServerHttpSecurity} always adds filters for the security context and the Reactor context, each of which
     * WebFlux wraps in a checkpoint on every request. This is the hot path.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain dataPlaneSecurityWebFilterChain(
            KeyVerifier verifier, CallerResolver callers, AuthFailures failures, WarmUpCaller warmUp) {
        return new MatcherSecurityWebFilterChain(
                exchange -> DataPlaneAuthenticationFilter.isDataPlane(exchange) ? DATA_PLANE : NOT_DATA_PLANE,
                List.of(new DataPlaneAuthenticationFilter(verifier, callers, failures, warmUp)));
    }

    /** Everything but the data plane and the console: the admin API and the actuator. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 2)
    SecurityWebFilterChain securityWebFilterChain(
            ServerHttpSecurity http,
            KeyVerifier verifier,
            AuthFailures failures,
            AdminAccessPolicy adminAccess,
            ClientAddresses addresses) {
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(new KeyAuthenticationManager(verifier));
        authentication.setServerAuthenticationConverter(new BearerKeyConverter());
        authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        authentication.setAuthenticationFailureHandler((exchange, failure) -> {
            String header = exchange.getExchange().getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            return Mono.error(
                    failures.failed(exchange.getExchange(), header == null ? null : BearerKeyConverter.token(header)));
        });
        return stateless(http)
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        // the OpenAPI document (io.llmgateway.app.openapi), public as OpenAI's is
                        .pathMatchers(HttpMethod.GET, "/openapi.json")
                        .permitAll()
                        .pathMatchers("/admin/**", "/actuator/**")
                        .access(new AdminAuthorization(adminAccess, addresses))
                        .anyExchange()
                        .hasAuthority(KeyAuthentication.CALLER))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(
                                (exchange, e) -> Mono.error(AccessException.invalidApiKey()))
                        .accessDeniedHandler((exchange, e) -> Mono.error(AccessException.forbidden(
                                "This key may not use this endpoint.", "insufficient_permissions"))))
                .build();
    }

    /**
     * What both chains share: a bearer key on every request and nothing kept between requests, so no CSRF (no
     * cookies), no HTTP Basic, login, logout or anonymous user, no request cache and no stored security context.
     */
    private static ServerHttpSecurity stateless(ServerHttpSecurity http) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
    }
}
