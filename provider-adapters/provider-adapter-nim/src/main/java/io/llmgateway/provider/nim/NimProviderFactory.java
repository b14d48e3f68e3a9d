package io.llmgateway.provider.nim;

import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.ProviderType;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import java.net.URI;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * NVIDIA's hosted models (the API catalog, {@value #DEFAULT_BASE_URL}). Its chat and embeddings APIs are
 * OpenAI-compatible and take NIM's own parameters ({@code bad}, {@code seed}, the {@code context} role,
 * {@code truncate}) as they are, so this adapter is the OpenAI transport with NVIDIA's defaults. Its retrieval
 * models ({@code nv-embedqa-*}) embed a question and a passage differently and must be told which: the
 * request's purpose is sent as {@value #PURPOSE_FIELD}. A deployment without a key still serves: requests are
 * checked fully by their profile and a valid one is answered with 503 naming the missing setting.
 */
public class NimProviderFactory implements ProviderType.WithoutSettings {

    /** The adapter type name in configuration. */
    public static final String TYPE = "nim";
    /** NVIDIA's API root, used when a deployment gives none. */
    public static final String DEFAULT_BASE_URL = "https://integrate.api.nvidia.com/v1";
    /** The embeddings body field that says whether the texts are queries or passages. */
    public static final String PURPOSE_FIELD = "input_type";

    private final OpenAiProviderFactory transport;

    public NimProviderFactory(OpenAiProviderFactory transport) {
        this.transport = transport;
    }

    @Override
    public String name() {
        return TYPE;
    }

    /** Chat and embeddings share the deployment's connection pool, which goes with the deployment. */
    @Override
    public DeploymentProviders create(Deployment deployment, NoSettings settings) {
        return new DeploymentProviders(
                create(deployment), embeddings(deployment), () -> transport.release(withDefaultBase(deployment)));
    }

    public ChatProvider create(Deployment deployment) {
        return deployment.apiKey().isPresent()
                ? transport.create(withDefaultBase(deployment))
                : new MissingKey(deployment.name());
    }

    /** The deployment's embeddings; chat and embeddings of one deployment share its connection pool. */
    public EmbeddingProvider embeddings(Deployment deployment) {
        return deployment.apiKey().isPresent()
                ? transport.embeddings(withDefaultBase(deployment), PURPOSE_FIELD)
                : new MissingKey(deployment.name());
    }

    private static Deployment withDefaultBase(Deployment deployment) {
        return deployment.baseUrl() != null
                ? deployment
                : new Deployment(
                        deployment.name(),
                        deployment.type(),
                        URI.create(DEFAULT_BASE_URL),
                        deployment.apiKey(),
                        deployment.upstreamModel(),
                        deployment.timeouts());
    }

    /** A NIM deployment whose key is not configured: every call is the same 503. */
    static final class MissingKey implements ChatProvider, EmbeddingProvider {

        private final String deployment;

        MissingKey(String deployment) {
            this.deployment = deployment;
        }

        private GatewayException error() {
            return GatewayException.unavailable(
                    "The deployment '" + deployment + "' has no NVIDIA API key: set "
                            + "NVIDIA_API_KEY (or gateway.deployments." + deployment + ".api-key / api-key-file) and "
                            + "restart the gateway.",
                    "provider_not_configured",
                    null);
        }

        @Override
        public Mono<ScannedAnswer> complete(UpstreamCall call) {
            return Mono.error(this::error);
        }

        @Override
        public Flux<ScannedAnswer> stream(UpstreamCall call) {
            return Flux.error(this::error);
        }

        @Override
        public Mono<EmbeddingResult> embed(EmbeddingRequest request) {
            return Mono.error(this::error);
        }
    }
}
