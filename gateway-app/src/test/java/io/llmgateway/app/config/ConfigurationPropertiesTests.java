package io.llmgateway.app.config;

import static org.assertj.core.api.Assertions.assertThat;

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
            gateway.profiles.p.unsupported           | ignore      | gateway.profiles.p.unsupported
            gateway.profiles.p.parameters.seed.type  | decimal     | gateway.profiles.p.parameters.seed.type
            """)
    void aValueThatCannotWorkStopsTheStartAndNamesTheProperty(String property, String value, String named) {
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(named);
        });
    }

    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()));
        }
        return String.join("\n", messages);
    }
}
