package io.llmgateway.app.console;

import io.llmgateway.app.admin.AuditLog;
import io.llmgateway.app.lifecycle.PeriodicWork;
import io.llmgateway.app.security.AuthFailures;
import io.llmgateway.app.security.ClientAddresses;
import io.llmgateway.app.security.ConsoleAuthentication;
import io.llmgateway.auth.KeyVerifier;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The web console: its sessions, its sign-in, its security chain and its pages. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ConsoleConfiguration.class);

    /**
     * Everything the console's pages load comes from the gateway itself; nothing inline, no frames, no plug-ins.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    @Bean
    ConsoleSessionStore consoleSessionStore(DatabaseClient db, Clock clock, ConsoleProperties properties) {
        return new ConsoleSessionStore(db, clock, properties);
    }

    /** Sessions are fetched only by a request that asks for its own: the data plane never does. */
    @Bean(name = WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
    WebSessionManager webSessionManager(ConsoleSessionStore store, ConsoleProperties properties) {
        DefaultWebSessionManager manager = new DefaultWebSessionManager();
        manager.setSessionStore(store);
        manager.setSessionIdResolver(new SessionCookie(properties.secureCookie()));
        return manager;
    }

    @Bean(destroyMethod = "dispose")
    PeriodicWork consoleSessionCleanup(ConsoleSessionStore store) {
        return PeriodicWork.start(
                Duration.ofMinutes(10),
                Schedulers.parallel(),
                () -> store.deleteExpired().then(),
                error -> log.warn("Could not delete ended console sessions: {}", error.toString()));
    }

    @Bean
    OidcClientRegistrations oidcClientRegistrations(
            ConsoleProperties properties, ObjectProvider<WebClient.Builder> web) {
        return new OidcClientRegistrations(properties.oidc(), web.getIfAvailable(WebClient::builder));
    }

    @Bean
    SsoUsers ssoUsers(DatabaseClient db, TransactionalOperator tx, AuditLog audit, ConsoleProperties properties) {
        return new SsoUsers(db, tx, audit, properties.oidc());
    }

    @Bean
    ConsoleSignIn consoleSignIn(KeyVerifier keys, AuthFailures failures, ConsoleProperties properties) {
        return new ConsoleSignIn(keys, failures, new WebSessionServerSecurityContextRepository(), properties.oidc());
    }

    @Bean
    RouterFunction<ServerResponse> consoleRoutes(ConsoleSignIn signIn) {
        ConsoleAssets assets = new ConsoleAssets();
        return RouterFunctions.route()
                .GET("/console", assets::page)
                .GET(
                        "/console/",
                        request -> ServerResponse.status(HttpStatus.MOVED_PERMANENTLY)
                                .location(URI.create("/console"))
                                .build())
                .GET("/console/login", signIn::page)
                .POST("/console/login", signIn::signIn)
                .GET("/console/session", signIn::session)
                .GET("/console/assets/{name}", assets::asset)
                .build();
    }

    /**
     * The console's chain: a session (in PostgreSQL), CSRF protection on every change, a strict Content-Security
     * Policy, sign-in through the identity provider (when configured) or with a key, and sign-out that ends the
     * session on every replica.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain consoleSecurityWebFilterChain(
            ServerHttpSecurity http,
            ConsoleProperties properties,
            OidcClientRegistrations registrations,
            SsoUsers users,
            ClientAddresses addresses) {
        WebSessionServerSecurityContextRepository contexts = new WebSessionServerSecurityContextRepository();
        http.securityMatcher(ServerWebExchangeMatchers.pathMatchers(
                        "/console", "/console/**", "/oauth2/authorization/**", "/login/oauth2/code/**"))
                .securityContextRepository(contexts)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .csrf(csrf -> csrf.csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler()))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer ->
                                referrer.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.SAME_ORIGIN)))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/console/login", "/console/assets/**")
                        .permitAll()
                        .anyExchange()
                        .hasAuthority(ConsoleAuthentication.CONSOLE))
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(new RedirectServerAuthenticationEntryPoint("/console/login")))
                .logout(logout -> logout.logoutUrl("/console/logout")
                        .logoutHandler(new DelegatingServerLogoutHandler(
                                new SecurityContextServerLogoutHandler(), new WebSessionServerLogoutHandler()))
                        .logoutSuccessHandler(signedOut()));
        if (properties.oidc().enabled()) {
            DefaultServerOAuth2AuthorizationRequestResolver resolver =
                    new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
            resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
            http.oauth2Login(login -> login.clientRegistrationRepository(registrations)
                    .authorizationRequestResolver(resolver)
                    .authorizedClientRepository(new WebSessionServerOAuth2AuthorizedClientRepository())
                    .securityContextRepository(contexts)
                    .authenticationFailureHandler(
                            new RedirectServerAuthenticationFailureHandler("/console/login?error"))
                    .authenticationSuccessHandler((exchange, authentication) -> {
                        OidcUser user =
                                (OidcUser) Objects.requireNonNull(authentication.getPrincipal(), "a signed-in user");
                        return users.signedIn(
                                        user,
                                        addresses.of(exchange.getExchange().getRequest()))
                                .flatMap(userId -> contexts.save(
                                        exchange.getExchange(),
                                        new SecurityContextImpl(
                                                new ConsoleAuthentication("sso", userId, false, "sso"))))
                                .then(Mono.fromRunnable(() -> {
                                    exchange.getExchange().getResponse().setStatusCode(HttpStatus.FOUND);
                                    exchange.getExchange()
                                            .getResponse()
                                            .getHeaders()
                                            .setLocation(URI.create("/console"));
                                }))
                                .onErrorResume(error -> {
                                    log.warn("Single sign-on refused: {}", error.getMessage());
                                    // Spring saved the provider's login already: a refused one keeps nothing
                                    return contexts.save(exchange.getExchange(), null)
                                            .then(Mono.fromRunnable(() -> {
                                                exchange.getExchange()
                                                        .getResponse()
                                                        .setStatusCode(HttpStatus.FOUND);
                                                exchange.getExchange()
                                                        .getResponse()
                                                        .getHeaders()
                                                        .setLocation(URI.create("/console/login?error"));
                                            }));
                                })
                                .then();
                    }));
        }
        return http.build();
    }

    private static RedirectServerLogoutSuccessHandler signedOut() {
        RedirectServerLogoutSuccessHandler handler = new RedirectServerLogoutSuccessHandler();
        handler.setLogoutSuccessUrl(URI.create("/console/login?signed-out"));
        return handler;
    }
}
