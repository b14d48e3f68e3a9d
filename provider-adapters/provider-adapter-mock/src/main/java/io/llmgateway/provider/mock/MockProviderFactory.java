package io.llmgateway.provider.mock;

import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.tokens.TokenCounter;

/** Builds {@link MockChatProvider}s and {@link MockEmbeddingProvider}s; deployments of type {@value #TYPE}. */
public class MockProviderFactory {

    /** The adapter type name in configuration. */
    public static final String TYPE = "mock";

    private final TokenCounter tokens;

    public MockProviderFactory(TokenCounter tokens) {
        this.tokens = tokens;
    }

    public MockChatProvider create(Deployment deployment, MockOptions options) {
        return new MockChatProvider(deployment, tokens, options == null ? MockOptions.DEFAULTS : options);
    }

    /** The deployment's embeddings; none of the {@code options} applies to them (they answer at once). */
    public EmbeddingProvider embeddings(Deployment deployment, MockOptions options) {
        return new MockEmbeddingProvider(deployment);
    }
}
