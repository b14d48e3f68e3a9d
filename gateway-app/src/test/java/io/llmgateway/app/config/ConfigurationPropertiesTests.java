package io.llmgateway.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.app.console.ConsoleProperties;
import io.llmgateway.app.identity.IdentityProperties;
import io.llmgateway.app.limits.LimitsProperties;
import io.llmgateway.app.persistence.DatabaseProperties;
import io.llmgateway.app.pipeline.WarmUpProperties;
import io.llmgateway.app.retrieval.RetrievalProperties;
import io.llmgateway.app.routing.ResilienceProperties;
import io.llmgateway.app.routing.UpstreamPoolProperties;
import io.llmgateway.app.tokens.TokenizerProperties;
import io.llmgateway.app.usage.LedgerProperties;
import io.llmgateway.app.usage.UsageMetricsProperties;
import io.llmgateway.core.profile.ParamType;
import io.llmgateway.core.profile.ParameterProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * Every settings record binds its defaults, binds the spellings the docs and the chart use, and refuses a value
 * that cannot work at start-up, with a message that names the property.
 */
class ConfigurationPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({
        RoutingProperties.class,
        ConsoleProperties.class,
        HttpProperties.class,
        LimitsProperties.class,
        IdentityProperties.class,
        DatabaseProperties.class,
        WarmUpProperties.class,
        RetrievalProperties.class,
        ResilienceProperties.class,
        UpstreamPoolProperties.class,
        TokenizerProperties.class,
        LedgerProperties.class,
        UsageMetricsProperties.class
    })
    static class AllSettings {}

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(AllSettings.class);

    @Test
    void everyRecordBindsItsDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            LimitsProperties limits = context.getBean(LimitsProperties.class);
            assertThat(limits.backend()).isEqualTo(LimitsProperties.Backend.IN_PROCESS);
            assertThat(limits.onBackendFailure()).isEqualTo(LimitsProperties.FailurePolicy.FAIL_CLOSED);
            assertThat(context.getBean(RetrievalProperties.class).systemTemplate())
                    .isEqualTo(RetrievalProperties.DEFAULT_TEMPLATE);
            assertThat(context.getBean(RoutingProperties.class).profiles()).isEmpty();
        });
    }

    @Test
    void closedSetsBindTheSpellingsOfTheDocsAndTheChart() {
        runner.withPropertyValues(
                        "gateway.limits.backend=redis",
                        "gateway.limits.redis.url=redis://redis:6379",
                        "gateway.limits.on-backend-failure=fail-open",
                        "gateway.profiles.strict.unsupported=drop",
                        "gateway.profiles.strict.parameters.stop.type=string-or-list",
                        "gateway.profiles.strict.parameters.logit_bias.type=number-map")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    LimitsProperties limits = context.getBean(LimitsProperties.class);
                    assertThat(limits.backend()).isEqualTo(LimitsProperties.Backend.REDIS);
                    assertThat(limits.failOpen()).isTrue();
                    var profile =
                            context.getBean(RoutingProperties.class).profiles().get("strict");
                    assertThat(profile.unsupported()).isEqualTo(ParameterProfile.UnsupportedPolicy.DROP);
                    assertThat(profile.parameters().get("stop").type()).isEqualTo(ParamType.STRING_OR_LIST);
                    assertThat(profile.parameters().get("logit_bias").type()).isEqualTo(ParamType.NUMBER_MAP);
                    assertThat(profile.parameters().get("logit_bias").min()).isNull();
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            gateway.limits.backend                   | memcached   | gateway.limits.backend
            gateway.limits.backend                   | redis       | gateway.limits.redis.url
            gateway.limits.on-backend-failure        | fail-maybe  | gateway.limits.on-backend-failure
            gateway.limits.default-max-tokens        | 0           | defaultMaxTokens
            gateway.upstream-pool.max-connections    | 0           | maxConnections
            gateway.upstream-pool.keep-warm          | 40s         | keep-warm must be below max-idle-time
            gateway.upstream-pool.max-response-bytes | 3GB         | max-response-bytes must be 1B to 2GB
            gateway.upstream-pool.max-idle-time      | 0s          | maxIdleTime
            gateway.warm-up.requests                 | -1          | requests
            gateway.warm-up.timeout                  | 0s          | timeout
            gateway.tokenizer.threads                | 0           | threads
            gateway.tokenizer.queue-capacity         | 0           | queueCapacity
            gateway.retrieval.ingest-threads         | 0           | ingestThreads
            gateway.retrieval.system-template        | no sources  | must contain {sources}
            gateway.retrieval.max-file-size          | 0B          | max-file-size must be at least 1B
            gateway.usage.ledger.batch-size          | 0           | batchSize
            gateway.usage.ledger.flush-interval      | 0s          | flushInterval
            gateway.database.pool-size               | 0           | poolSize
            gateway.database.embedded.port           | 70000       | port
            gateway.auth.failure-limit               | 0           | failureLimit
            gateway.resilience.max-attempts          | 0           | maxAttempts
            gateway.http.max-body-size               | 0B          | max-body-size must be 1B to 2GB
            gateway.console.oidc.scopes              | profile     | scopes must include openid
            gateway.console.oidc.issuer-uri          | https://idp | client-id is needed with an issuer-uri
            gateway.console.secure-cookie            | sometimes   | gateway.console.secure-cookie
            gateway.console.session-idle-timeout     | 0s          | sessionIdleTimeout
            gateway.profiles.p.unsupported           | ignore      | gateway.profiles.p.unsupported
            gateway.profiles.p.parameters.seed.type  | decimal     | gateway.profiles.p.parameters.seed.type
            """)
    void aValueThatCannotWorkStopsTheStartAndNamesTheProperty(String property, String value, String named) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(named);
        });
    }

    /** Two chat models and an embedding model on two deployments, with the profiles they name. */
    private static final String[] ROUTES = {
        "gateway.deployments.a.type=mock",
        "gateway.deployments.b.type=mock",
        "gateway.profiles.default.unsupported=pass",
        "gateway.models[0].id=chat",
        "gateway.models[0].deployment=a",
        "gateway.models[1].id=other-chat",
        "gateway.models[1].deployments[0].name=a",
        "gateway.models[1].deployments[1].name=b",
        "gateway.models[1].deployments[1].weight=3",
        "gateway.models[1].fallbacks[0]=chat",
        "gateway.models[2].id=embed",
        "gateway.models[2].deployment=b",
        "gateway.models[2].type=embedding",
        "gateway.models[2].price.input-per-million=0.02"
    };

    @Test
    void consistentRoutesBind() {
        runner.withPropertyValues(ROUTES).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(RoutingProperties.class).models()).hasSize(3);
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            gateway.models[2].id                         | chat         | gateway.models[2] ('chat'): the id is already used by gateway.models[0]
            gateway.models[0].deployment                 | c            | gateway.models[0] ('chat'): deployment 'c' is not configured under gateway.deployments; configured: [a, b]
            gateway.models[1].deployments[1].name        | c            | gateway.models[1] ('other-chat'): deployment 'c' is not configured
            gateway.models[1].deployments[1].weight      | 0            | models[1].deployments[1].weight
            gateway.models[0].profile                    | strict       | gateway.models[0] ('chat').profile: there is no profile 'strict' under gateway.profiles; known: [default]
            gateway.models[0].defaults.[max_tokenz]      | 5            | gateway.models[0] ('chat').defaults: 'max_tokenz' is not a chat-completion parameter
            gateway.models[0].fallbacks[0]               | embed        | gateway.models[0] ('chat').fallbacks: 'embed' is a model of another type (embedding)
            gateway.models[0].fallbacks[0]               | chat         | gateway.models[0] ('chat').fallbacks: 'chat' is not another model under gateway.models
            gateway.models[0].fallbacks[0]               | gpt-{x}-${y} | gateway.models[0] ('chat').fallbacks: 'gpt-{x}-${y}' is not another model
            gateway.profiles.default.parameters.tempo.type | number     | gateway.profiles.default.parameters.tempo: not a chat-completion parameter
            gateway.models[2].price.input-per-million    | -0.01        | models[2].price.inputPerMillion
            gateway.models[2].price.output-per-million   | 10001        | models[2].price.outputPerMillion
            gateway.deployments.a.continuous-usage       | true         | continuous-usage needs stream-usage
            """)
    void routesThatDoNotAgreeStopTheStartAndNameTheEntry(String property, String value, String named) {
        runner.withPropertyValues(ROUTES)
                .withPropertyValues(property + "=" + value, "gateway.deployments.a.stream-usage=false")
                .run(context -> {
                    if (!property.endsWith("continuous-usage")) {
                        // stream-usage=false alone is fine: only continuous-usage needs it
                        assertThat(messages(context.getStartupFailure())).doesNotContain("continuous-usage");
                    }
                    assertThat(context).hasFailed();
                    assertThat(messages(context.getStartupFailure())).contains(named);
                });
    }

    @Test
    void everyInconsistencyIsReportedAtOnce() {
        runner.withPropertyValues(ROUTES)
                .withPropertyValues("gateway.models[0].deployment=c", "gateway.models[1].fallbacks[0]=gone")
                .run(context -> assertThat(messages(context.getStartupFailure()))
                        .contains("gateway.models[0] ('chat'): deployment 'c'")
                        .contains("gateway.models[1] ('other-chat').fallbacks: 'gone'"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            gateway.auth.admin-token      | gws_notanadmintoken                  | admin-token is not a gwa_ admin token
            gateway.auth.admin-token-hash | abc                                  | adminTokenHash
            gateway.database.url          | postgresql://db:5432/gateway?password=hunter2 | url must look like jdbc:postgresql://host:5432/db
            """)
    void secretsAndAddressesOfTheWrongFormStopTheStartWithoutShowingThem(String property, String value, String named) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(named);
            if (!property.endsWith("hash")) {
                // the hash of a secret is not one; a token and a URL that may hold a password are
                assertThat(messages(context.getStartupFailure())).doesNotContain(value);
            }
        });
    }

    @Test
    void anAdminTokenHashOfTheRightFormBinds() {
        runner.withPropertyValues("gateway.auth.admin-token-hash= abcdefABCDEF:" + "0a".repeat(32) + " ")
                .run(context -> assertThat(context).hasNotFailed());
    }

    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()));
        }
        return String.join("\n", messages);
    }
}
