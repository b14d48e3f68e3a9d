package io.llmgateway.provider.nim;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import java.net.URI;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * NVIDIA's hosted models (the API catalog, {@value #DEFAULT_BASE_URL}). Its chat API is OpenAI-compatible and
 * takes NIM's own parameters ({@code bad}, {@code seed}, the {@code context} role) as they are, so this adapter is
 * the OpenAI transport with NVIDIA's defaults. A deployment without a key still serves: requests are checked
 * fully by their profile and a valid one is answered with 503 naming the missing setting.
 */
public class NimProviderFactory {

    /** The adapter type name in configuration. */
    public static final String TYPE = "nim";
    /** NVIDIA's API root, used when a deployment gives none. */
    public static final String DEFAULT_BASE_URL = "https://integrate.api.nvidia.com/v1";

    private final OpenAiProviderFactory transport;

    public NimProviderFactory(OpenAiProviderFactory transport) {
        this.transport = transport;
    }

    public ChatProvider create(Deployment deployment) {
        if (!deployment.apiKey().isPresent()) {
            return new MissingKey(deployment.name());
        }
        Deployment withBase = deployment.baseUrl() != null ? deployment
                : new Deployment(deployment.name(), deployment.type(), URI.create(DEFAULT_BASE_URL),
                deployment.apiKey(), deployment.upstreamModel(), deployment.timeouts());
        return transport.create(withBase);
    }

    /** A NIM deployment whose key is not configured. */
    static final class MissingKey implements ChatProvider {

        private final String deployment;

        MissingKey(String deployment) {
            this.deployment = deployment;
        }

        private GatewayException error() {
            return GatewayException.unavailable("The deployment '" + deployment + "' has no NVIDIA API key: set "
                    + "NVIDIA_API_KEY (or gateway.deployments." + deployment + ".api-key / api-key-file) and "
                    + "restart the gateway.", "provider_not_configured", null);
        }

        @Override
        public Mono<ChatCompletion> complete(ChatCompletionRequest request) {
            return Mono.error(this::error);
        }

        @Override
        public Flux<ChatCompletionChunk> stream(ChatCompletionRequest request) {
            return Flux.error(this::error);
        }
    }
}
