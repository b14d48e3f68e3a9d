package io.llmgateway.provider.octo;

import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import tools.jackson.databind.json.JsonMapper;

/** Builds {@link OctoChatProvider}s on the OpenAI transport; deployments of type {@value #TYPE}. */
public class OctoProviderFactory {

    /** The adapter type name in configuration. */
    public static final String TYPE = "octo";

    private final OpenAiProviderFactory transport;
    private final JsonMapper json;

    public OctoProviderFactory(OpenAiProviderFactory transport, JsonMapper json) {
        this.transport = transport;
        this.json = json;
    }

    public ChatProvider create(Deployment deployment, OctoOptions options) {
        return new OctoChatProvider(transport.create(deployment), options == null ? OctoOptions.DEFAULTS : options,
                json);
    }
}
