package io.llmgateway.provider.openai;

import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.ProviderType;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the {@link OpenAiChatProvider} and {@link OpenAiEmbeddingProvider} of each deployment. A deployment has
 * one connection pool, sized for a gateway (many concurrent long-lived streams, not the handful a typical web
 * client needs), built on first use and shared by its chat and embedding providers.
 */
public class OpenAiProviderFactory implements ProviderType.WithoutSettings {

    /** The adapter type name in configuration. */
    public static final String TYPE = "openai";

    private final JsonMapper json;
    private final PoolSettings pool;
    private final ConcurrentMap<PoolKey, Transport> transports = new ConcurrentHashMap<>();

    public OpenAiProviderFactory(JsonMapper json, PoolSettings pool) {
        this.json = Objects.requireNonNull(json);
        this.pool = Objects.requireNonNull(pool);
    }

    @Override
    public String name() {
        return TYPE;
    }

    /** The deployment's chat and embeddings on one connection pool, which goes with the deployment. */
    @Override
    public DeploymentProviders create(Deployment deployment, NoSettings settings) {
        requireBaseUrl(deployment);
        return new DeploymentProviders(create(deployment), embeddings(deployment), () -> release(deployment));
    }

    /** Refuses a deployment without a base URL, naming the setting. */
    public static void requireBaseUrl(Deployment deployment) {
        if (deployment.baseUrl() == null) {
            throw new IllegalStateException("gateway.deployments." + deployment.name() + ".base-url is required for"
                    + " type '" + deployment.type() + "'");
        }
    }

    public OpenAiChatProvider create(Deployment deployment) {
        return new OpenAiChatProvider(
                deployment, transport(deployment).http(), pool.maxResponseBytes(), pool.maxEventBytes(), json);
    }

    /** The embeddings of a plain OpenAI-compatible deployment: no purpose field is sent. */
    public OpenAiEmbeddingProvider embeddings(Deployment deployment) {
        return embeddings(deployment, null);
    }

    /**
     * The embeddings of a deployment whose models take the texts' purpose in a body field.
     *
     * @param purposeField e.g. NVIDIA's {@code input_type}; null for none
     */
    public OpenAiEmbeddingProvider embeddings(Deployment deployment, @Nullable String purposeField) {
        return new OpenAiEmbeddingProvider(deployment, webClient(deployment), json, purposeField);
    }

    /**
     * The WebClient of one deployment (used for embeddings), on the deployment's connection pool. It is built on
     * first use and then shared; adapters that extend the OpenAI protocol reuse it.
     */
    public WebClient webClient(Deployment deployment) {
        return transport(deployment).web();
    }

    /**
     * The clients (and connection pool) of one deployment, built on first use and then shared. They are cached by
     * the deployment's name and the settings the pool is built from, so a deployment redefined under the same name
     * gets its own.
     */
    private Transport transport(Deployment deployment) {
        Objects.requireNonNull(deployment.baseUrl(), () -> "deployment '" + deployment.name() + "' has no base URL");
        return transports.computeIfAbsent(PoolKey.of(deployment), key -> newTransport(deployment));
    }

    private Transport newTransport(Deployment deployment) {
        ConnectionProvider connections = ConnectionProvider.builder("upstream-" + deployment.name())
                .maxConnections(pool.maxConnections())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(deployment
                        .timeouts()
                        .connect()
                        .plus(deployment.timeouts().firstByte()))
                .maxIdleTime(pool.maxIdleTime())
                .evictInBackground(pool.maxIdleTime())
                .build();
        HttpClient http = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        deployment.timeouts().connect().toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
        WebClient web = WebClient.builder()
                .baseUrl(root(deployment))
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(pool.maxResponseBytes()))
                .build();
        return new Transport(connections, http, web);
    }

    /** Closes the connection pool of one deployment; a later call for it builds a new one. */
    public void release(Deployment deployment) {
        Transport transport = transports.remove(PoolKey.of(deployment));
        if (transport != null) {
            transport.connections().dispose();
        }
    }

    /** Closes the connection pools of every deployment this factory made a provider for. */
    public void close() {
        transports.values().forEach(transport -> transport.connections().dispose());
        transports.clear();
    }

    /**
     * The absolute URI of one endpoint of a deployment, e.g. {@code /chat/completions}. Providers build theirs once,
     * so that no call parses or expands it again.
     */
    static URI endpoint(Deployment deployment, String path) {
        return URI.create(root(deployment) + path);
    }

    /** The deployment's API root without a trailing slash. */
    private static String root(Deployment deployment) {
        // the configuration requires a base URL of every deployment that is called over HTTP
        String base = Objects.requireNonNull(deployment.baseUrl(), "baseUrl").toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * One deployment's connection pool, its Reactor Netty client (chat completions) and the WebClient on top of it
     * (embeddings).
     */
    private record Transport(ConnectionProvider connections, HttpClient http, WebClient web) {}

    /** What a deployment's clients are built from. */
    private record PoolKey(String name, @Nullable URI baseUrl, Duration connect, Duration firstByte) {

        static PoolKey of(Deployment deployment) {
            return new PoolKey(
                    deployment.name(),
                    deployment.baseUrl(),
                    deployment.timeouts().connect(),
                    deployment.timeouts().firstByte());
        }
    }

    /**
     * Connection pool settings shared by every deployment of this adapter.
     *
     * @param maxConnections   open connections per deployment; requests beyond wait for one
     * @param maxIdleTime      an idle connection is closed after this long
     * @param maxResponseBytes largest non-streamed chat answer read into memory (embeddings are parsed as they
     *                         arrive), and the longest streamed one
     * @param maxEventBytes    longest line or event of a streamed answer
     */
    public record PoolSettings(int maxConnections, Duration maxIdleTime, int maxResponseBytes, int maxEventBytes) {

        public static final PoolSettings DEFAULTS =
                new PoolSettings(1000, Duration.ofSeconds(30), 16 * 1024 * 1024, 1024 * 1024);
    }
}
