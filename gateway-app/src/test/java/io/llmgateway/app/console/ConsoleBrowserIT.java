package io.llmgateway.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.idp.OidcProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's, driven by its chromedriver; nothing is downloaded), signed in
 * through a real OpenID Connect provider: an owner creates a service key, copies it, calls a model with it, sees
 * the call in the usage chart and the budget bar, revokes the key and sees the next call refused; a member cannot
 * open another project; an auditor sees everything and can change nothing. Every page loads only from the
 * gateway. Screenshots of each page are kept in {@code target/console-screenshots}.
 *
 * <p>Chromium is a test dependency that Maven cannot bring: {@code .ci/run} installs it and sets
 * {@code REQUIRE_BROWSER_TESTS}, under which its absence fails the build; elsewhere the test runs when it is there.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String CHAT = """
            {"model":"mock-echo","messages":[{"role":"user","content":"hello from the console test"}],"max_tokens":8}""";

    private static OidcProvider provider;
    private static GatewayInstance gateway;

    @BeforeAll
    static void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("REQUIRE_BROWSER_TESTS") != null) {
            assertThat(present)
                    .as("Debian's chromium and chromium-driver are installed")
                    .isTrue();
        }
        Assumptions.assumeTrue(present, "no /usr/bin/chromium and /usr/bin/chromedriver");
        Files.createDirectories(SCREENSHOTS);
        provider = OidcProvider.start(Map.of(
                "olivia", List.of("llm-gateway:team-a:owner"),
                "mia", List.of("llm-gateway:team-a:member"),
                "aude", List.of("gateway-auditors")));
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.models[0].id", "mock-echo");
        settings.put("gateway.models[0].deployment", "mock");
        settings.put("gateway.console.oidc.issuer-uri", provider.issuer());
        settings.put("gateway.console.oidc.client-id", OidcProvider.CLIENT_ID);
        settings.put("gateway.console.oidc.client-secret", OidcProvider.CLIENT_SECRET);
        settings.put("gateway.console.oidc.display-name", "Acme SSO");
        settings.put("gateway.console.oidc.auditor-groups[0]", "gateway-auditors");
        settings.put("gateway.console.oidc.project-group-prefix", "llm-gateway:");
        gateway = GatewayInstance.start(settings);
        gateway.admin().project("team-a", null);
        gateway.admin().project("team-b", null);
        gateway.admin()
                .put(
                        "/admin/v1/projects/team-a/limits",
                        Map.of("token_budget", Map.of("limit", 2000, "period", "month"), "requests_per_minute", 600),
                        200);
        provider.register(gateway.baseUrl() + "/login/oauth2/code/gateway");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private static ChromeDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        return driver;
    }

    /** Waits up to 30 s; a timeout says where the browser was and what the page showed. */
    private static WebDriverWait waiting(ChromeDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.withMessage(() -> {
            try {
                screenshot(driver, "timeout-" + System.currentTimeMillis());
                return "at " + driver.getCurrentUrl() + ", showing: "
                        + driver.findElement(By.tagName("body")).getText();
            } catch (RuntimeException e) {
                return "at " + driver.getCurrentUrl() + " (" + e.getMessage() + ")";
            }
        });
        return wait;
    }

    private static void screenshot(ChromeDriver driver, String name) {
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs in through the provider's form and lands on the console's overview. */
    private static void signIn(ChromeDriver driver, String user) {
        driver.get(gateway.baseUrl() + "/console");
        waiting(driver).until(ExpectedConditions.urlContains("/console/login"));
        driver.findElement(By.linkText("Sign in with Acme SSO")).click();
        waiting(driver).until(ExpectedConditions.presenceOfElementLocated(By.name("username")));
        driver.findElement(By.name("username")).sendKeys(user);
        driver.findElement(By.name("password")).sendKeys("password");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waiting(driver).until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), user));
    }

    /**
     * Shows a console page and waits for its heading. The page on screen is emptied first, so that the wait sees the
     * new page, not the one it replaces; the same address again is rendered again.
     */
    private static void open(ChromeDriver driver, String hash, String heading) {
        String url = gateway.baseUrl() + "/console" + hash;
        boolean console = driver.getCurrentUrl().startsWith(gateway.baseUrl() + "/console#")
                || driver.getCurrentUrl().equals(gateway.baseUrl() + "/console");
        if (console) {
            ((JavascriptExecutor) driver).executeScript("document.getElementById('view').replaceChildren()");
        }
        if (url.equals(driver.getCurrentUrl())) {
            ((JavascriptExecutor) driver).executeScript("window.dispatchEvent(new HashChangeEvent('hashchange'))");
        } else {
            driver.get(url);
        }
        waiting(driver).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), heading));
    }

    private static int chat(String key) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                                    .header("Authorization", "Bearer " + key)
                                    .header("X-User-Id", "checkout-service")
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every resource the page loaded came from the gateway itself. */
    @SuppressWarnings("unchecked")
    private static void onlyTheGatewaysAssets(ChromeDriver driver) {
        List<String> loaded = (List<String>) ((JavascriptExecutor) driver)
                .executeScript("return performance.getEntriesByType('resource').map(e => e.name)"
                        + ".concat([document.location.href])");
        assertThat(loaded).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(gateway.baseUrl() + "/"));
    }

    /** Every control of the page has a name a screen reader can say: a label, or an aria-label. */
    @SuppressWarnings("unchecked")
    private static void everyControlIsLabelled(ChromeDriver driver) {
        List<String> unlabelled = (List<String>) ((JavascriptExecutor) driver)
                .executeScript("return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
                        + ".filter(c => c.labels.length === 0 && !c.getAttribute('aria-label')).map(c => c.outerHTML)");
        assertThat(unlabelled).as("controls without a label").isEmpty();
        List<String> nameless = (List<String>) ((JavascriptExecutor) driver)
                .executeScript("return [...document.querySelectorAll('button, a')]"
                        + ".filter(c => !c.textContent.trim() && !c.getAttribute('aria-label')).map(c => c.outerHTML)");
        assertThat(nameless).as("buttons and links without a name").isEmpty();
    }

    private static String budgetValue(ChromeDriver driver) {
        return driver.findElement(By.cssSelector("progress[data-budget=total_tokens]"))
                .getDomAttribute("value");
    }

    @Test
    void anOwnerMintsAKeyUsesItSeesItInTheChartsAndRevokesIt() {
        ChromeDriver driver = browser();
        try {
            driver.get(gateway.baseUrl() + "/console");
            waiting(driver).until(ExpectedConditions.urlContains("/console/login"));
            screenshot(driver, "01-sign-in");
            everyControlIsLabelled(driver);
            signIn(driver, "olivia");
            screenshot(driver, "02-overview-owner");
            onlyTheGatewaysAssets(driver);

            open(driver, "#/projects/team-a", "Project team-a");
            String budgetBefore = budgetValue(driver);
            driver.findElement(By.id("key-name")).sendKeys("checkout");
            driver.findElement(By.xpath("//button[text()='Create key']")).click();
            WebElement secret = waiting(driver)
                    .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("output[data-secret=key]")));
            String key = secret.getText();
            assertThat(key).startsWith("gws_");
            driver.executeCdpCommand(
                    "Browser.grantPermissions",
                    Map.of("permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            WebElement copy = driver.findElement(By.xpath("//div[@class='secret']/button"));
            copy.click();
            waiting(driver).until(ExpectedConditions.textToBePresentInElement(copy, "Copied"));
            Object copied = ((JavascriptExecutor) driver)
                    .executeAsyncScript("const done = arguments[0]; navigator.clipboard.readText().then(done)");
            assertThat(copied).isEqualTo(key);
            screenshot(driver, "03-project-key-created");
            everyControlIsLabelled(driver);

            assertThat(chat(key)).isEqualTo(200);
            waiting(driver).until(ignored -> {
                open(driver, "#/projects/team-a", "Project team-a");
                return !budgetValue(driver).equals(budgetBefore);
            });
            assertThat(Long.parseLong(budgetValue(driver))).isGreaterThan(Long.parseLong(budgetBefore));
            String chart = driver.findElement(By.cssSelector("figure[data-chart='Requests per day'] svg"))
                    .getDomAttribute("aria-label");
            assertThat(chart).matches(".*\\d{4}-\\d{2}-\\d{2} [1-9]\\d*.*");
            assertThat(driver.findElement(By.cssSelector("[data-total=Requests]"))
                            .getText())
                    .isNotEqualTo("0");
            screenshot(driver, "04-project-usage-and-budget");

            driver.findElement(By.xpath("//tr[td[text()='checkout']]//button[text()='Revoke']"))
                    .click();
            waiting(driver)
                    .until(ExpectedConditions.presenceOfElementLocated(
                            By.xpath("//tr[td[text()='checkout']]/td[starts-with(text(),'revoked')]")));
            assertThat(chat(key)).isEqualTo(401);
            screenshot(driver, "05-project-key-revoked");

            // limits within the administrators' cap
            gateway.admin().put("/admin/v1/projects/team-a/limit_caps", Map.of("requests_per_minute", 1000), 200);
            open(driver, "#/projects/team-a", "Project team-a");
            WebElement rpm = driver.findElement(By.id("limit-rpm"));
            rpm.clear();
            rpm.sendKeys("2000");
            driver.findElement(By.xpath("//button[text()='Save limits']")).click();
            WebElement refused = waiting(driver)
                    .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form [role=alert]")));
            assertThat(refused.getText()).contains("requests_per_minute").contains("1000");
            screenshot(driver, "05b-limit-above-cap");
            rpm = driver.findElement(By.id("limit-rpm"));
            rpm.clear();
            rpm.sendKeys("900");
            driver.findElement(By.xpath("//button[text()='Save limits']")).click();
            waiting(driver)
                    .until(ExpectedConditions.presenceOfElementLocated(
                            By.xpath("//tr[td[text()='requests per minute']]/td[text()='900']")));

            open(driver, "#/usage", "Usage explorer");
            waiting(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure.chart")));
            screenshot(driver, "06-usage-explorer");
            everyControlIsLabelled(driver);
            open(driver, "#/me", "Me");
            screenshot(driver, "07-me");
            everyControlIsLabelled(driver);
            driver.manage().window().setSize(new Dimension(390, 844));
            open(driver, "#/projects/team-a", "Project team-a");
            screenshot(driver, "08-project-on-a-phone");
        } finally {
            driver.quit();
        }
    }

    @Test
    void aMemberCannotOpenAnotherProject() {
        ChromeDriver driver = browser();
        try {
            signIn(driver, "mia");
            open(driver, "#/projects/team-b", "Project team-b");
            WebElement alert =
                    waiting(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[role=alert]")));
            assertThat(alert.getText()).contains("You do not have access").contains("team-b");
            screenshot(driver, "09-member-refused");
            open(driver, "#/projects/team-a", "Project team-a");
            assertThat(driver.findElements(By.id("key-name")))
                    .as("a member manages no keys")
                    .isEmpty();
        } finally {
            driver.quit();
        }
    }

    @Test
    void anAuditorSeesEverythingAndChangesNothing() {
        gateway.admin().serviceKey("team-a");
        ChromeDriver driver = browser();
        try {
            signIn(driver, "aude");
            assertThat(driver.findElement(By.id("who")).getText()).contains("auditor");
            screenshot(driver, "10-overview-auditor");
            open(driver, "#/projects/team-b", "Project team-b");
            open(driver, "#/projects/team-a", "Project team-a");
            waiting(driver).until(ExpectedConditions.presenceOfElementLocated(By.id("keys-title")));
            assertThat(driver.findElements(By.xpath("//td[text()='test key']"))).isNotEmpty();
            assertThat(driver.findElements(By.id("key-name"))).isEmpty();
            assertThat(driver.findElements(By.cssSelector("button[data-revoke]")))
                    .isEmpty();
            screenshot(driver, "11-project-auditor");
            open(driver, "#/audit", "Audit log");
            waiting(driver)
                    .until(ExpectedConditions.presenceOfElementLocated(By.xpath("//td[text()='project.limits.put']")));
            screenshot(driver, "12-audit-log");
            open(driver, "#/quarantine", "Quarantined usage records");
            screenshot(driver, "13-quarantine");
            open(driver, "#/models", "Models and deployments");
            assertThat(driver.findElement(By.cssSelector("[data-circuit=mock]")).getText())
                    .isEqualTo("closed");
            screenshot(driver, "14-models-and-deployments");
            open(driver, "#/api", "API reference");
            assertThat(driver.findElements(By.cssSelector("details[data-operation=createChatCompletion]")))
                    .isNotEmpty();
            assertThat(driver.findElements(By.cssSelector("details[data-operation=listDeployments]")))
                    .isNotEmpty();
            onlyTheGatewaysAssets(driver);
            screenshot(driver, "15-api-reference");
            // the API refuses what the page does not offer: a change with the session's own CSRF token
            Object status = ((JavascriptExecutor) driver)
                    .executeAsyncScript("const done = arguments[0];"
                            + "fetch('/console/session').then(r => r.json()).then(s =>"
                            + " fetch('/admin/v1/projects/team-a/keys', {method: 'POST',"
                            + " headers: {'Content-Type': 'application/json', [s.csrf_header]: s.csrf_token},"
                            + " body: JSON.stringify({name: 'sneaky'})})).then(r => done(r.status))");
            assertThat(((Number) status).intValue()).isEqualTo(403);
        } finally {
            driver.quit();
        }
    }

    @Test
    void anAdministratorSignsInWithTheAdminTokenAndSetsWhatOwnersMayDo() {
        gateway.admin().project("team-c", null);
        ChromeDriver driver = browser();
        try {
            driver.get(gateway.baseUrl() + "/console/login");
            driver.findElement(By.id("token")).sendKeys(gateway.adminToken());
            driver.findElement(By.cssSelector("form button[type=submit]")).click();
            waiting(driver).until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "admin token"));
            open(driver, "#/projects/team-c", "Project team-c");
            driver.findElement(By.id("model-cap")).sendKeys("mock-echo");
            driver.findElement(By.id("prompt-logging")).click();
            driver.findElement(By.xpath("//button[text()='Save']")).click();
            waiting(driver)
                    .until(ExpectedConditions.textToBePresentInElementLocated(
                            By.cssSelector("main > p.note"), "prompt logging on"));
            screenshot(driver, "16-project-administrator");
            var project = gateway.admin().get("/admin/v1/projects/team-c");
            assertThat(project.path("prompt_logging").booleanValue()).isTrue();
            assertThat(project.path("model_cap").get(0).stringValue()).isEqualTo("mock-echo");
            assertThat(project.path("allowed_models").get(0).stringValue()).isEqualTo("mock-echo");

            driver.findElement(By.cssSelector("form.sign-out button")).click();
            waiting(driver).until(ExpectedConditions.urlContains("/console/login?signed-out"));
            driver.get(gateway.baseUrl() + "/console");
            waiting(driver).until(ExpectedConditions.urlContains("/console/login"));
        } finally {
            driver.quit();
        }
    }
}
