package io.llmgateway.testsupport;

import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the adapter contracts share: a real fake upstream per test, the gateway's key for it, and a deployment that
 * points the adapter under test at it.
 *
 * @param <P> the provider the contract is about
 */
public abstract class UpstreamContract<P> {

    protected static final Duration LIMIT = Duration.ofSeconds(10);
    protected static final String KEY = "sk-upstream-test-key";

    protected FakeUpstream upstream;

    /** The adapter under test, speaking to {@code deployment}. */
    protected abstract P create(Deployment deployment);

    /** The upstream model name used in the fixtures. */
    protected abstract String upstreamModel();

    /** The name of the deployment the fixtures use. */
    protected abstract String deploymentName();

    @BeforeEach
    void startUpstream() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    protected Deployment deployment(Timeouts timeouts) {
        return new Deployment(
                deploymentName(), "openai", URI.create(upstream.baseUrl()), Secret.of(KEY), upstreamModel(), timeouts);
    }

    protected P provider() {
        return create(deployment(Timeouts.DEFAULTS));
    }
}
