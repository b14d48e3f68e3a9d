package io.llmgateway.app.security;

import io.llmgateway.app.config.HttpProperties;
import io.llmgateway.app.pipeline.WarmUpCaller;
import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.auth.CallerResolver;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.core.error.AccessException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Mono;

/**
 * Who may call what, as two Spring Security filter chains. The data plane ({@code /v1/...}) has its own chain whose
 * one filter, {@link DataPlaneAuthenticationFilter}, verifies the key and resolves the caller from the cached
 * identity store. {@code /actuator/health} is open for probes; {@code /admin/v1} and the other actuator endpoints
 * need an admin token. Refusals are errors that the one error mapping writes as OpenAI bodies: 401
 * {@code invalid_api_key} with {@code WWW-Authenticate}, 403, or 429 for an address that failed too often.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

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
     * Spring Security's strict firewall, as it comes, except that its character rules for header names and values
     * and parameter names are checked by {@link HeaderCharacters} instead of regular expressions: the same rules,
     * without the regex engine on every header read of every request.
     */
    @Bean
    ServerWebExchangeFirewall serverWebExchangeFirewall() {
        StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters::allowedName);
        firewall.setAllowedHeaderValues(HeaderCharacters::allowedValue);
        firewall.setAllowedParameterNames(HeaderCharacters::allowedName);
        return firewall;
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
     * The data plane: a bearer key on every request, checked by one filter. Nothing else of Spring Security's runs
     * there but its firewall: the chain is {@link #stateless}, with no security headers either (the API answers
     * JSON and event streams as OpenAI's does) and no authorization rules, because the filter refuses every
     * request it cannot resolve to a caller. This is the hot path.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain dataPlaneSecurityWebFilterChain(ServerHttpSecurity http, KeyVerifier verifier,
                                                           CallerResolver callers, AuthFailures failures,
                                                           WarmUpCaller warmUp) {
        return stateless(http)
                .securityMatcher(exchange -> DataPlaneAuthenticationFilter.isDataPlane(exchange)
                        ? ServerWebExchangeMatcher.MatchResult.match()
                        : ServerWebExchangeMatcher.MatchResult.notMatch())
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .addFilterAt(new DataPlaneAuthenticationFilter(verifier, callers, failures, warmUp),
                        SecurityWebFiltersOrder.AUTHENTICATION)
                .build();
    }

    /** Everything but the data plane: the admin API and the actuator. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, KeyVerifier verifier,
                                                  AuthFailures failures) {
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(new KeyAuthenticationManager(verifier));
        authentication.setServerAuthenticationConverter(new BearerKeyConverter());
        authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        authentication.setAuthenticationFailureHandler((exchange, failure) -> {
            String header = exchange.getExchange().getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            return Mono.error(failures.failed(exchange.getExchange(),
                    header == null ? null : BearerKeyConverter.token(header)));
        });
        return stateless(http)
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .pathMatchers("/admin/**", "/actuator/**").hasAuthority(KeyAuthentication.ADMIN)
                        .anyExchange().hasAuthority(KeyAuthentication.CALLER))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint((exchange, e) -> Mono.error(AccessException.invalidApiKey()))
                        .accessDeniedHandler((exchange, e) -> Mono.error(AccessException.forbidden(
                                "This key may not use this endpoint.", "insufficient_permissions"))))
                .build();
    }

    /**
     * What both chains share: a bearer key on every request and nothing kept between requests, so no CSRF (no
     * cookies), no HTTP Basic, login, logout or anonymous user, no request cache and no stored security context.
     */
    private static ServerHttpSecurity stateless(ServerHttpSecurity http) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
    }
}
