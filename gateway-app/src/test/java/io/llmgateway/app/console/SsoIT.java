package io.llmgateway.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.auth.key.SecretHash;
import io.llmgateway.idp.OidcProvider;
import io.llmgateway.testsupport.PostgresSupport;
import io.llmgateway.testsupport.TestJson;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Single sign-on against a real OpenID Connect provider started by the test, over real HTTP with a browser's cookie
 * jar: the authorization code flow with PKCE, the user created with roles and memberships from the groups claim,
 * the session shared by two replicas, CSRF on changes, sign-out ending the session everywhere, an ended session
 * sent back to sign in, the cookie's and the pages' security headers, and the admin-token sign-in.
 */
class SsoIT {

    private static OidcProvider provider;
    private static PostgresSupport.Database database;
    private static GatewayInstance first;
    private static GatewayInstance second;

    @BeforeAll
    static void start() {
        provider = OidcProvider.start(Map.of(
                "olivia", List.of("staff", "llm-gateway:sso-team:owner"),
                "ada", List.of("gateway-admins"),
                "aude", List.of("gateway-auditors"),
                "alice", List.of(),
                "bob", List.of()));
        database = PostgresSupport.newDatabase();
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.models[0].id", "mock-echo");
        settings.put("gateway.models[0].deployment", "mock");
        settings.put("gateway.console.oidc.issuer-uri", provider.issuer());
        settings.put("gateway.console.oidc.client-id", OidcProvider.CLIENT_ID);
        settings.put("gateway.console.oidc.client-secret", OidcProvider.CLIENT_SECRET);
        settings.put("gateway.console.oidc.administrator-groups[0]", "gateway-admins");
        settings.put("gateway.console.oidc.auditor-groups[0]", "gateway-auditors");
        settings.put("gateway.console.oidc.project-group-prefix", "llm-gateway:");
        // short enough to see the idle deadline move (at most every quarter of it), long enough for every test
        settings.put("gateway.console.session-idle-timeout", "20s");
        first = GatewayInstance.start(settings, database);
        second = GatewayInstance.start(settings, database);
        first.admin().project("sso-team", null);
        // both replicas send browsers back to the same address; the provider knows each
        provider.register(first.baseUrl() + "/login/oauth2/code/gateway");
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    /** A browser: a cookie jar, redirects followed one at a time so that each step can be checked. */
    private static final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        HttpResponse<String> get(String url, String... headers) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(url)).GET();
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request.build());
        }

        HttpResponse<String> form(String url, Map<String, String> fields) {
            StringBuilder body = new StringBuilder();
            fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&")
                    .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
            return send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build());
        }

        HttpResponse<String> json(String method, String url, String body, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request.build());
        }

        HttpResponse<String> send(HttpRequest request) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Follows redirects from this answer until one leaves {@code stopAt} or is not a redirect. */
        HttpResponse<String> follow(HttpResponse<String> response) {
            HttpResponse<String> current = response;
            for (int hops = 0; hops < 10 && isRedirect(current); hops++) {
                current = get(location(current));
            }
            return current;
        }

        String sessionCookie() {
            return cookies.getCookieStore().getCookies().stream()
                    .filter(cookie -> cookie.getName().equals("GATEWAY_SESSION"))
                    .map(HttpCookie::getValue)
                    .findFirst()
                    .orElse(null);
        }
    }

    private static boolean isRedirect(HttpResponse<String> response) {
        return response.statusCode() / 100 == 3;
    }

    private static String location(HttpResponse<String> response) {
        return response.uri()
                .resolve(response.headers().firstValue("Location").orElseThrow())
                .toString();
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + Pattern.quote(name)
                        + "\"[^>]*value=\"([^\"]*)\"|value=\"([^\"]*)\"[^>]*name=\"" + Pattern.quote(name) + "\"")
                .matcher(html);
        assertThat(matcher.find()).as("a hidden %s in %s", name, html).isTrue();
        return matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
    }

    /** Signs in through the provider; returns the browser, back on the console. */
    private static Browser signIn(GatewayInstance gateway, String user) {
        Browser browser = new Browser();
        assertThat(signInLandsOn(browser, gateway, user)).isEqualTo(gateway.baseUrl() + "/console");
        return browser;
    }

    /** Where the gateway sends the browser at the end of a sign-in through the provider. */
    private static String signInLandsOn(Browser browser, GatewayInstance gateway, String user) {
        HttpResponse<String> toProvider = browser.get(gateway.baseUrl() + "/oauth2/authorization/gateway");
        assertThat(toProvider.statusCode()).isEqualTo(302);
        String authorize = location(toProvider);
        assertThat(authorize)
                .startsWith(provider.issuer() + "/oauth2/authorize")
                .contains("code_challenge=")
                .contains("code_challenge_method=S256")
                .contains("state=");
        HttpResponse<String> loginPage = browser.follow(browser.get(authorize));
        assertThat(loginPage.statusCode()).isEqualTo(200);
        HttpResponse<String> signedIn = browser.form(
                provider.issuer() + "/login",
                Map.of("username", user, "password", "password", "_csrf", hidden(loginPage.body(), "_csrf")));
        // provider -> authorize -> gateway's callback -> console
        HttpResponse<String> current = signedIn;
        for (int hops = 0; hops < 10 && isRedirect(current); hops++) {
            String next = location(current);
            if (next.startsWith(gateway.baseUrl() + "/console")) {
                return next;
            }
            current = browser.get(next);
        }
        return current.uri().toString();
    }

    private static JsonNode me(Browser browser, GatewayInstance gateway) {
        HttpResponse<String> me = browser.get(gateway.baseUrl() + "/admin/v1/me");
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        return TestJson.mapper().readTree(me.body());
    }

    @Test
    void aUserSignsInWithPkceIsCreatedWithTheirGroupsAndTheSessionWorksOnEveryReplica() {
        Browser olivia = signIn(first, "olivia");

        JsonNode me = me(olivia, first);
        assertThat(me.path("user_id").stringValue()).isEqualTo("olivia");
        assertThat(me.path("role").isNull()).isTrue();
        assertThat(me.path("projects").get(0).path("id").stringValue()).isEqualTo("sso-team");
        assertThat(me.path("projects").get(0).path("role").stringValue()).isEqualTo("owner");
        JsonNode user = first.admin().get("/admin/v1/users/olivia");
        assertThat(user.path("email").stringValue()).isEqualTo("olivia@example.com");

        // another replica, the same cookie: no sticky sessions
        assertThat(me(olivia, second).path("user_id").stringValue()).isEqualTo("olivia");

        JsonNode audit = first.admin().get("/admin/v1/audit?target_id=olivia&limit=100");
        assertThat(audit.path("data")
                        .valueStream()
                        .filter(entry -> entry.path("action").stringValue().equals("user.created")))
                .singleElement()
                .satisfies(entry -> {
                    assertThat(entry.path("actor_user_id").stringValue()).isEqualTo("olivia");
                    assertThat(entry.path("actor_key_id").stringValue()).isEqualTo("sso");
                });

        assertThat(me(signIn(first, "ada"), first).path("role").stringValue()).isEqualTo("administrator");
        assertThat(me(signIn(second, "aude"), second).path("role").stringValue())
                .isEqualTo("auditor");
    }

    @Test
    void aChangeNeedsTheSessionsCsrfTokenAndAKeyNeedsNone() {
        Browser olivia = signIn(first, "olivia");
        String keys = first.baseUrl() + "/admin/v1/projects/sso-team/keys";

        HttpResponse<String> forged = olivia.json("POST", keys, "{\"name\":\"forged\"}");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(TestJson.mapper()
                        .readTree(forged.body())
                        .path("error")
                        .path("code")
                        .stringValue())
                .isEqualTo("csrf_token_invalid");
        HttpResponse<String> wrong =
                olivia.json("POST", keys, "{\"name\":\"forged\"}", "X-CSRF-TOKEN", "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(403);

        JsonNode session = TestJson.mapper()
                .readTree(olivia.get(first.baseUrl() + "/console/session").body());
        String token = session.path("csrf_token").stringValue();
        HttpResponse<String> created = olivia.json("POST", keys, "{\"name\":\"team\"}", "X-CSRF-TOKEN", token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // the token is the session's, so it holds on the other replica too
        HttpResponse<String> onSecond = olivia.json(
                "POST",
                second.baseUrl() + "/admin/v1/projects/sso-team/keys",
                "{\"name\":\"b\"}",
                "X-CSRF-TOKEN",
                token);
        assertThat(onSecond.statusCode()).as(onSecond.body()).isEqualTo(201);
        // a session grants the user's rights, not more
        HttpResponse<String> notOwned = olivia.json(
                "POST", first.baseUrl() + "/admin/v1/projects", "{\"name\":\"mine\"}", "X-CSRF-TOKEN", token);
        assertThat(notOwned.statusCode()).isEqualTo(403);
    }

    @Test
    void signingOutEndsTheSessionOnEveryReplica() {
        Browser olivia = signIn(first, "olivia");
        String cookie = olivia.sessionCookie();
        me(olivia, second);
        String csrf = TestJson.mapper()
                .readTree(olivia.get(first.baseUrl() + "/console/session").body())
                .path("csrf_token")
                .stringValue();

        HttpResponse<String> withoutToken = olivia.form(first.baseUrl() + "/console/logout", Map.of());
        assertThat(withoutToken.statusCode())
                .as("sign-out is a change: it needs the CSRF token")
                .isEqualTo(403);
        HttpResponse<String> out = olivia.form(first.baseUrl() + "/console/logout", Map.of("_csrf", csrf));
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(location(out)).isEqualTo(first.baseUrl() + "/console/login?signed-out");

        Browser replay = new Browser();
        for (GatewayInstance gateway : List.of(first, second)) {
            HttpResponse<String> me =
                    replay.get(gateway.baseUrl() + "/admin/v1/me", "Cookie", "GATEWAY_SESSION=" + cookie);
            assertThat(me.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void anEndedSessionIsSentBackToSignIn() {
        Browser olivia = signIn(first, "olivia");
        assertThat(olivia.get(first.baseUrl() + "/console").statusCode()).isEqualTo(200);

        database.execute("UPDATE console_sessions SET expires_at = now() - interval '1 second'");

        HttpResponse<String> page = olivia.get(first.baseUrl() + "/console");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(location(page)).isEqualTo(first.baseUrl() + "/console/login");
        assertThat(olivia.get(first.baseUrl() + "/admin/v1/me").statusCode()).isEqualTo(401);
    }

    @Test
    void theCookieAndThePagesCarryTheirSecurityHeaders() {
        Browser browser = new Browser();
        HttpResponse<String> login = browser.get(first.baseUrl() + "/console/login", "X-Forwarded-Proto", "https");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp)
                        .contains("default-src 'none'")
                        .contains("script-src 'self'")
                        .contains("frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline"));
        assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        String setCookie = login.headers().allValues("Set-Cookie").stream()
                .filter(value -> value.startsWith("GATEWAY_SESSION="))
                .findFirst()
                .orElseThrow();
        assertThat(setCookie)
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax")
                .contains("Secure")
                .contains("Path=/");

        HttpResponse<String> plain = new Browser().get(first.baseUrl() + "/console/login");
        assertThat(plain.headers().allValues("Set-Cookie").stream()
                        .filter(value -> value.startsWith("GATEWAY_SESSION="))
                        .findFirst()
                        .orElseThrow())
                .as("no TLS, no proxy saying so: no Secure, or the browser would drop the cookie")
                .doesNotContain("Secure");
        assertThat(login.body()).contains("Sign in with single sign-on").doesNotContain("<script>");
    }

    @Test
    void anAdminTokenSignsInWithoutTheProviderAndAServiceKeyCannot() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(first.baseUrl() + "/console/login");
        String csrf = hidden(page.body(), "_csrf");

        HttpResponse<String> serviceKey = browser.form(
                first.baseUrl() + "/console/login",
                Map.of(
                        "_csrf",
                        csrf,
                        "token",
                        first.admin().serviceKey("sso-team").path("key").stringValue()));
        assertThat(location(serviceKey)).endsWith("/console/login?error");
        HttpResponse<String> noCsrf =
                browser.form(first.baseUrl() + "/console/login", Map.of("token", first.adminToken()));
        assertThat(noCsrf.statusCode()).isEqualTo(403);

        HttpResponse<String> signedIn =
                browser.form(first.baseUrl() + "/console/login", Map.of("_csrf", csrf, "token", first.adminToken()));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(location(signedIn)).isEqualTo(first.baseUrl() + "/console");
        assertThat(me(browser, second).path("role").stringValue()).isEqualTo("administrator");
    }

    @Test
    void aSessionEndsWithTheKeyOrTheUserItWasSignedInWith() {
        first.admin().user("pat-user", "sso-team");
        JsonNode token = first.admin().token("pat-user");
        Browser browser = new Browser();
        String csrf = hidden(browser.get(first.baseUrl() + "/console/login").body(), "_csrf");
        HttpResponse<String> signedIn = browser.form(
                first.baseUrl() + "/console/login",
                Map.of("_csrf", csrf, "token", token.path("key").stringValue()));
        assertThat(location(signedIn)).isEqualTo(first.baseUrl() + "/console");
        assertThat(me(browser, second).path("user_id").stringValue()).isEqualTo("pat-user");

        first.admin()
                .client()
                .delete()
                .uri("/admin/v1/users/pat-user/tokens/" + token.path("id").stringValue())
                .exchange()
                .expectStatus()
                .isOk();
        awaitStatus(browser, second, 401);

        Browser aude = signIn(first, "aude");
        me(aude, first);
        first.admin()
                .client()
                .delete()
                .uri("/admin/v1/users/aude")
                .exchange()
                .expectStatus()
                .isOk();
        awaitStatus(aude, second, 401);
    }

    /** The change notification reaches every replica within a second or so. */
    private static void awaitStatus(Browser browser, GatewayInstance gateway, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int last;
        do {
            last = browser.get(gateway.baseUrl() + "/admin/v1/me").statusCode();
        } while (last != status && System.nanoTime() < deadline);
        assertThat(last).isEqualTo(status);
    }

    @Test
    void eachRequestMovesTheIdleDeadline() throws InterruptedException {
        Browser olivia = signIn(first, "olivia");
        me(olivia, first);
        String key = HexFormat.of().formatHex(SecretHash.of(olivia.sessionCookie()));
        Object before = database.query(
                        "SELECT extract(epoch FROM expires_at) AS expires_at FROM console_sessions WHERE id = ?", key)
                .get(0)
                .get("expires_at");

        Thread.sleep(6_000);
        me(olivia, second);

        Object after = database.query(
                        "SELECT extract(epoch FROM expires_at) AS expires_at FROM console_sessions WHERE id = ?", key)
                .get(0)
                .get("expires_at");
        assertThat(((Number) after).doubleValue()).isGreaterThan(((Number) before).doubleValue() + 4);
    }

    @Test
    void aNameThePreviousHolderLeftDoesNotGiveItsRights() {
        // an administrator the provider's "alice" is not: same name, no shared verified email
        first.admin().post("/admin/v1/users", Map.of("id", "alice", "role", "administrator"), 201);
        Browser intruder = new Browser();
        assertThat(signInLandsOn(intruder, first, "alice")).isEqualTo(first.baseUrl() + "/console/login?error");
        assertThat(intruder.get(first.baseUrl() + "/admin/v1/me").statusCode()).isEqualTo(401);
        HttpResponse<String> console = intruder.get(first.baseUrl() + "/console");
        assertThat(console.statusCode())
                .as("nothing of the refused sign-in is kept")
                .isEqualTo(302);
        assertThat(location(console)).isEqualTo(first.baseUrl() + "/console/login");
        assertThat(first.admin().get("/admin/v1/users/alice").path("role").stringValue())
                .isEqualTo("administrator");

        // a user created before single sign-on, with the email the provider vouches for, is taken over once
        first.admin().post("/admin/v1/users", Map.of("id", "bob", "email", "bob@example.com"), 201);
        first.admin().member("sso-team", "bob", "member");
        Browser bob = signIn(first, "bob");
        JsonNode me = me(bob, first);
        assertThat(me.path("user_id").stringValue()).isEqualTo("bob");
        assertThat(me.path("projects").get(0).path("id").stringValue()).isEqualTo("sso-team");
        assertThat(first.admin()
                        .get("/admin/v1/audit?target_id=bob")
                        .path("data")
                        .get(0)
                        .path("action")
                        .stringValue())
                .isEqualTo("user.linked");
    }
}
