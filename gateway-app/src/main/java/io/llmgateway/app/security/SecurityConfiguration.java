package io.llmgateway.app.security;

import io.llmgateway.auth.AuthFailureThrottle;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.core.error.AccessException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import reactor.core.publisher.Mono;

/**
 * Who may call what. {@code /actuator/health} is open for probes. {@code /admin/v1} and the other actuator
 * endpoints need an admin token. Everything else needs a key; the data plane ({@code /v1/...}) is authenticated by
 * {@link DataPlaneAuthenticationFilter}, outside this chain. Refusals are errors that the one error mapping
 * writes as OpenAI bodies: 401 {@code invalid_api_key} with {@code WWW-Authenticate}, 403, or 429 for an
 * address that failed too often.
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

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, KeyVerifier verifier,
                                                  AuthFailureThrottle throttle) {
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(new KeyAuthenticationManager(verifier));
        authentication.setServerAuthenticationConverter(new BearerKeyConverter(throttle));
        authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        authentication.setAuthenticationFailureHandler((exchange, failure) -> {
            throttle.recordFailure(BearerKeyConverter.clientAddress(exchange.getExchange()));
            return Mono.error(AccessException.invalidApiKey());
        });
        return http
                .securityMatcher(new NegatedServerWebExchangeMatcher(exchange ->
                        DataPlaneAuthenticationFilter.isDataPlane(exchange.getRequest().getPath().value())
                                ? ServerWebExchangeMatcher.MatchResult.match()
                                : ServerWebExchangeMatcher.MatchResult.notMatch()))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(
                        org.springframework.security.web.server.savedrequest.NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
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
}
