package io.llmgateway.provider.mock;

import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.ProviderType;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import tools.jackson.databind.json.JsonMapper;

/** Builds {@link MockChatProvider}s and {@link MockEmbeddingProvider}s; deployments of type {@value #TYPE}. */
public class MockProviderFactory implements ProviderType<MockOptions> {

    /** The adapter type name in configuration. */
    public static final String TYPE = "mock";

    private final TiktokenTokenizer encoding;
    private final JsonMapper json;

    /** Its mock models answer and count in tokens of {@code encoding}, and write their answers with {@code json}. */
    public MockProviderFactory(TiktokenTokenizer encoding, JsonMapper json) {
        this.encoding = encoding;
        this.json = json;
    }

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public Class<MockOptions> settingsType() {
        return MockOptions.class;
    }

    @Override
    public MockOptions defaultSettings() {
        return MockOptions.DEFAULTS;
    }

    /** In-process: nothing to release. */
    @Override
    public DeploymentProviders create(Deployment deployment, MockOptions options) {
        return DeploymentProviders.of(chat(deployment, options), embeddings(deployment, options));
    }

    /** The mock counts its own tokens and always ends a stream with its usage. */
    @Override
    public boolean reportsStreamUsageUnasked() {
        return true;
    }

    public MockChatProvider chat(Deployment deployment, MockOptions options) {
        return new MockChatProvider(deployment, encoding, options == null ? MockOptions.DEFAULTS : options, json);
    }

    /** The deployment's embeddings; none of the {@code options} applies to them (they answer at once). */
    public EmbeddingProvider embeddings(Deployment deployment, MockOptions options) {
        return new MockEmbeddingProvider(deployment);
    }
}
