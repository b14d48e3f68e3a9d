package io.llmgateway.provider.openai;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.testsupport.ChatProviderContract;

/** The OpenAI-compatible adapter against the shared adapter contract. */
class OpenAiChatProviderTests extends ChatProviderContract {

    private final OpenAiProviderFactory factory =
            new OpenAiProviderFactory(GatewayJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS);

    @Override
    protected ChatProvider create(Deployment deployment) {
        return factory.create(deployment);
    }
}
