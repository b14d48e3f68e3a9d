package io.llmgateway.app.routing;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.provider.mock.MockProviderFactory;
import io.llmgateway.provider.nim.NimProviderFactory;
import io.llmgateway.provider.octo.OctoProviderFactory;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@link ChatProvider} and one {@link EmbeddingProvider} per configured deployment, built once at start-up.
 *
 * <p>A deployment's API key comes from {@code api-key-file} (a mounted secret) or {@code api-key} (usually an
 * environment placeholder); it is read here, at start-up, and never taken from a request.
 */
public class ProviderRegistry {

    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, ChatProvider> providers = new LinkedHashMap<>();
    private final Map<String, EmbeddingProvider> embeddings = new LinkedHashMap<>();
    private final Map<String, StreamUsage> streamUsage = new LinkedHashMap<>();

    public ProviderRegistry(
            RoutingProperties properties,
            OpenAiProviderFactory openAi,
            NimProviderFactory nim,
            OctoProviderFactory octo,
            MockProviderFactory mock) {
        properties.deployments().forEach((name, settings) -> {
            Deployment deployment = toDeployment(name, settings);
            deployments.put(name, deployment);
            streamUsage.put(name, streamUsage(name, settings));
            providers.put(
                    name,
                    switch (deployment.type()) {
                        case OpenAiProviderFactory.TYPE -> {
                            if (deployment.baseUrl() == null) {
                                throw new IllegalStateException(
                                        "gateway.deployments." + name + ".base-url is required for" + " type 'openai'");
                            }
                            yield openAi.create(deployment);
                        }
                        case NimProviderFactory.TYPE -> nim.create(deployment);
                        case OctoProviderFactory.TYPE -> {
                            if (deployment.baseUrl() == null) {
                                throw new IllegalStateException(
                                        "gateway.deployments." + name + ".base-url is required for" + " type 'octo'");
                            }
                            yield octo.create(deployment, settings.octo().toOptions());
                        }
                        case MockProviderFactory.TYPE ->
                            mock.create(deployment, settings.mock().toOptions());
                        default ->
                            throw new IllegalStateException("gateway.deployments." + name + ".type '"
                                    + deployment.type() + "' is not a provider type; use openai, nim, octo or mock");
                    });
            // every type serves embeddings too; the transport (and its connection pool) is the chat one's
            embeddings.put(
                    name,
                    switch (deployment.type()) {
                        case OpenAiProviderFactory.TYPE -> openAi.embeddings(deployment);
                        case NimProviderFactory.TYPE -> nim.embeddings(deployment);
                        case OctoProviderFactory.TYPE -> octo.embeddings(deployment);
                        case MockProviderFactory.TYPE ->
                            mock.embeddings(deployment, settings.mock().toOptions());
                        default -> throw new IllegalStateException("unreachable: " + deployment.type());
                    });
        });
    }

    public boolean contains(String deployment) {
        return providers.containsKey(deployment);
    }

    public @Nullable ChatProvider provider(String deployment) {
        return providers.get(deployment);
    }

    /** The deployment's embeddings adapter, or null when its type has none. */
    public @Nullable EmbeddingProvider embeddings(String deployment) {
        return embeddings.get(deployment);
    }

    /** What the deployment reports of a stream's usage when asked. */
    public StreamUsage streamUsage(String deployment) {
        return streamUsage.getOrDefault(deployment, StreamUsage.NONE);
    }

    private static StreamUsage streamUsage(String name, RoutingProperties.Deployment settings) {
        if (MockProviderFactory.TYPE.equals(settings.type())) {
            return StreamUsage.FINAL;
        }
        if (settings.continuousUsage() && !settings.streamUsage()) {
            throw new IllegalStateException("gateway.deployments." + name + ".continuous-usage needs stream-usage"
                    + " (continuous usage is reported with include_usage)");
        }
        return settings.continuousUsage()
                ? StreamUsage.CONTINUOUS
                : settings.streamUsage() ? StreamUsage.FINAL : StreamUsage.NONE;
    }

    public @Nullable Deployment deployment(String name) {
        return deployments.get(name);
    }

    private static Deployment toDeployment(String name, RoutingProperties.Deployment settings) {
        RoutingProperties.Timeouts t = settings.timeouts();
        return new Deployment(
                name,
                settings.type(),
                settings.baseUrl(),
                apiKey(name, settings),
                settings.upstreamModel(),
                new Timeouts(t.connect(), t.firstByte(), t.betweenChunks()));
    }

    private static Secret apiKey(String name, RoutingProperties.Deployment settings) {
        if (settings.apiKeyFile() != null) {
            try {
                return Secret.of(Files.readString(settings.apiKeyFile()));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "gateway.deployments." + name + ".api-key-file cannot be read: " + settings.apiKeyFile(), e);
            }
        }
        return Secret.of(settings.apiKey());
    }
}
