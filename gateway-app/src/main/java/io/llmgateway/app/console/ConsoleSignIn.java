package io.llmgateway.app.console;

import io.llmgateway.app.security.AuthFailures;
import io.llmgateway.app.security.ConsoleAuthentication;
import io.llmgateway.auth.KeyVerifier;
import io.llmgateway.auth.key.KeyKind;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;

/**
 * The console's sign-in page, the sign-in with a key (an admin token, for the first start and for installs without
 * an identity provider, or a personal access token), and {@code GET /console/session}, which tells the pages who is
 * signed in and the CSRF token their changes carry.
 */
final class ConsoleSignIn {

    private final KeyVerifier keys;
    private final AuthFailures failures;
    private final ServerSecurityContextRepository contexts;
    private final ConsoleProperties.Oidc oidc;

    ConsoleSignIn(
            KeyVerifier keys,
            AuthFailures failures,
            ServerSecurityContextRepository contexts,
            ConsoleProperties.Oidc oidc) {
        this.keys = keys;
        this.failures = failures;
        this.contexts = contexts;
        this.oidc = oidc;
    }

    Mono<ServerResponse> page(ServerRequest request) {
        String note = request.queryParam("error").isPresent()
                ? "<p class=\"error\" role=\"alert\">Sign-in failed: check the key, or try again.</p>"
                : request.queryParam("signed-out").isPresent()
                        ? "<p class=\"note\" role=\"status\">You are signed out.</p>"
                        : request.queryParam("expired").isPresent()
                                ? "<p class=\"note\" role=\"status\">Your session ended: sign in again.</p>"
                                : "";
        String sso = oidc.enabled()
                ? "<p><a class=\"button\" href=\"/oauth2/authorization/" + OidcClientRegistrations.ID
                        + "\">Sign in with " + HtmlUtils.htmlEscape(oidc.displayName()) + "</a></p><p>or</p>"
                : "";
        return csrf(request)
                .flatMap(token -> ServerResponse.ok()
                        .contentType(MediaType.TEXT_HTML)
                        .bodyValue("""
                        <!doctype html>
                        <html lang="en"><head><meta charset="utf-8">
                        <meta name="viewport" content="width=device-width, initial-scale=1">
                        <title>Sign in · LLM Gateway</title>
                        <link rel="stylesheet" href="/console/assets/console.css"></head>
                        <body class="sign-in"><main>
                        <h1>LLM Gateway</h1>
                        %s%s
                        <form method="post" action="/console/login">
                        <input type="hidden" name="_csrf" value="%s">
                        <label for="token">Admin token or personal access token</label>
                        <input id="token" name="token" type="password" autocomplete="off" required
                               placeholder="gwa_… or gwp_…">
                        <button type="submit">Sign in</button>
                        </form></main></body></html>
                        """.formatted(note, sso, HtmlUtils.htmlEscape(token.getToken()))));
    }

    /** The form's key: an admin token or a personal access token; a service key is no one to sign in as. */
    Mono<ServerResponse> signIn(ServerRequest request) {
        return request.formData().flatMap(form -> {
            String token = form.getFirst("token");
            if (token == null || token.isBlank()) {
                return failed();
            }
            return keys.verify(token.strip())
                    .filter(key -> key.kind() != KeyKind.SERVICE)
                    .flatMap(key -> request.exchange()
                            .getSession()
                            .flatMap(session -> session.changeSessionId())
                            .then(contexts.save(
                                    request.exchange(),
                                    new SecurityContextImpl(new ConsoleAuthentication(
                                            key.keyId(),
                                            key.userId(),
                                            key.kind() == KeyKind.ADMIN,
                                            key.kind() == KeyKind.ADMIN ? "admin-token" : "personal-token"))))
                            .then(redirect("/console")))
                    .switchIfEmpty(Mono.defer(() -> {
                        // counted like any failed authentication, and refused alike once too many
                        failures.failed(request.exchange(), token.strip());
                        return failed();
                    }))
                    .onErrorResume(error -> {
                        failures.failed(request.exchange(), token.strip());
                        return failed();
                    });
        });
    }

    Mono<ServerResponse> session(ServerRequest request) {
        return request.principal()
                .cast(ConsoleAuthentication.class)
                .zipWith(csrf(request))
                .flatMap(both -> {
                    ConsoleAuthentication who = both.getT1();
                    Map<String, @Nullable Object> body = new LinkedHashMap<>();
                    body.put("object", "console.session");
                    body.put("user_id", who.userId());
                    body.put("admin_token", who.adminToken());
                    body.put("via", who.via());
                    body.put("csrf_header", "X-CSRF-TOKEN");
                    body.put("csrf_token", both.getT2().getToken());
                    return ServerResponse.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(body);
                });
    }

    private static Mono<CsrfToken> csrf(ServerRequest request) {
        Mono<CsrfToken> token = request.exchange().getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.error(new IllegalStateException("no CSRF token on the console's chain")) : token;
    }

    private static Mono<ServerResponse> failed() {
        return redirect("/console/login?error");
    }

    private static Mono<ServerResponse> redirect(String to) {
        return ServerResponse.status(HttpStatus.SEE_OTHER)
                .location(URI.create(to))
                .build();
    }
}
