package io.llmgateway.provider.octo;

import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.ProviderType;
import io.llmgateway.provider.openai.OpenAiProviderFactory;

/**
 * Builds {@link OctoChatProvider}s on the OpenAI transport; deployments of type {@value #TYPE}. Their embeddings
 * are the transport's as they are: vLLM-class engines serve OpenAI's {@code /embeddings} and take no purpose field.
 */
public class OctoProviderFactory implements ProviderType<OctoOptions> {

    /** The adapter type name in configuration. */
    public static final String TYPE = "octo";

    private final OpenAiProviderFactory transport;

    public OctoProviderFactory(OpenAiProviderFactory transport) {
        this.transport = transport;
    }

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public Class<OctoOptions> settingsType() {
        return OctoOptions.class;
    }

    @Override
    public OctoOptions defaultSettings() {
        return OctoOptions.DEFAULTS;
    }

    /** Chat and embeddings share the deployment's connection pool, which goes with the deployment. */
    @Override
    public DeploymentProviders create(Deployment deployment, OctoOptions options) {
        OpenAiProviderFactory.requireBaseUrl(deployment);
        return new DeploymentProviders(
                chat(deployment, options), embeddings(deployment), () -> transport.release(deployment));
    }

    public ChatProvider chat(Deployment deployment, OctoOptions options) {
        return new OctoChatProvider(transport.create(deployment), options == null ? OctoOptions.DEFAULTS : options);
    }

    /** The deployment's embeddings; chat and embeddings of one deployment share its connection pool. */
    public EmbeddingProvider embeddings(Deployment deployment) {
        return transport.embeddings(deployment);
    }
}
