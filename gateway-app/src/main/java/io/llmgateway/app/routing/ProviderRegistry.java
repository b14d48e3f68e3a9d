package io.llmgateway.app.routing;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.ProviderType;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * The providers of every configured deployment, built once at start-up by the {@link ProviderType} its {@code type}
 * names. The types are beans that the adapter modules contribute; this registry knows none of them by name.
 *
 * <p>A deployment's API key comes from {@code api-key-file} (a mounted secret) or {@code api-key} (usually an
 * environment placeholder); it is read here, at start-up, and never taken from a request. {@link #close()} releases
 * each deployment's resources (its connection pool).
 */
public class ProviderRegistry implements AutoCloseable {

    private static final ConfigurationPropertyName DEPLOYMENTS = ConfigurationPropertyName.of("gateway.deployments");

    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, DeploymentProviders> providers = new LinkedHashMap<>();
    private final Map<String, StreamUsage> streamUsage = new LinkedHashMap<>();

    /**
     * @param binder binds each deployment's type settings from {@code gateway.deployments.<name>.<type>}
     */
    public ProviderRegistry(RoutingProperties properties, List<? extends ProviderType<?>> types, Binder binder) {
        Map<String, ProviderType<?>> byName = new TreeMap<>();
        types.forEach(type -> {
            ProviderType<?> earlier = byName.put(type.name(), type);
            if (earlier != null) {
                throw new IllegalStateException("two provider types are named '" + type.name() + "': "
                        + earlier.getClass().getName() + " and "
                        + type.getClass().getName());
            }
        });
        properties.deployments().forEach((name, settings) -> {
            ProviderType<?> type = byName.get(settings.type());
            if (type == null) {
                throw new IllegalStateException("gateway.deployments." + name + ".type '" + settings.type()
                        + "' is not a provider type; known: " + String.join(", ", byName.keySet()));
            }
            Deployment deployment = toDeployment(name, settings);
            deployments.put(name, deployment);
            streamUsage.put(name, streamUsage(settings, type));
            providers.put(name, create(type, deployment, binder));
        });
    }

    private static <S> DeploymentProviders create(ProviderType<S> type, Deployment deployment, Binder binder) {
        ConfigurationPropertyName prefix = DEPLOYMENTS.append(deployment.name()).append(type.name());
        S settings = binder.bind(prefix, Bindable.of(type.settingsType())).orElseGet(type::defaultSettings);
        return type.create(deployment, settings);
    }

    public boolean contains(String deployment) {
        return providers.containsKey(deployment);
    }

    public @Nullable ChatProvider provider(String deployment) {
        DeploymentProviders found = providers.get(deployment);
        return found == null ? null : found.chat();
    }

    /** The deployment's embeddings adapter, or null for a deployment not configured. */
    public @Nullable EmbeddingProvider embeddings(String deployment) {
        DeploymentProviders found = providers.get(deployment);
        return found == null ? null : found.embeddings();
    }

    /** What the deployment reports of a stream's usage when asked. */
    public StreamUsage streamUsage(String deployment) {
        return streamUsage.getOrDefault(deployment, StreamUsage.NONE);
    }

    /** Releases every deployment's resources, once. */
    @Override
    public void close() {
        providers.values().forEach(deployment -> deployment.resources().dispose());
    }

    private static StreamUsage streamUsage(RoutingProperties.Deployment settings, ProviderType<?> type) {
        if (type.reportsStreamUsageUnasked()) {
            return StreamUsage.FINAL;
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
