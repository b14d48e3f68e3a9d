package io.llmgateway.provider.openai;

import io.llmgateway.core.provider.Deployment;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Objects;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds an {@link OpenAiChatProvider} per deployment, each with its own connection pool sized for a gateway
 * (many concurrent long-lived streams, not the handful a typical web client needs).
 */
public class OpenAiProviderFactory {

    /** The adapter type name in configuration. */
    public static final String TYPE = "openai";

    private final JsonMapper json;
    private final PoolSettings pool;

    public OpenAiProviderFactory(JsonMapper json, PoolSettings pool) {
        this.json = Objects.requireNonNull(json);
        this.pool = Objects.requireNonNull(pool);
    }

    public OpenAiChatProvider create(Deployment deployment) {
        Objects.requireNonNull(deployment.baseUrl(), () -> "deployment '" + deployment.name() + "' has no base URL");
        return new OpenAiChatProvider(deployment, webClient(deployment), json);
    }

    /** The WebClient for one deployment; adapters that extend the OpenAI protocol reuse it. */
    public WebClient webClient(Deployment deployment) {
        ConnectionProvider connections = ConnectionProvider.builder("upstream-" + deployment.name())
                .maxConnections(pool.maxConnections())
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(deployment.timeouts().connect().plus(deployment.timeouts().firstByte()))
                .maxIdleTime(pool.maxIdleTime())
                .evictInBackground(pool.maxIdleTime())
                .build();
        HttpClient http = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) deployment.timeouts().connect().toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
        String base = deployment.baseUrl().toString();
        return WebClient.builder()
                .baseUrl(base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(pool.maxResponseBytes()))
                .build();
    }

    /**
     * Connection pool settings shared by every deployment of this adapter.
     *
     * @param maxConnections   open connections per deployment; requests beyond wait for one
     * @param maxIdleTime      an idle connection is closed after this long
     * @param maxResponseBytes largest non-streamed upstream answer read into memory
     */
    public record PoolSettings(int maxConnections, Duration maxIdleTime, int maxResponseBytes) {

        public static final PoolSettings DEFAULTS = new PoolSettings(1000, Duration.ofSeconds(30), 16 * 1024 * 1024);
    }
}
