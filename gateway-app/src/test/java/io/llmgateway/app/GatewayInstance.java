package io.llmgateway.app;

import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.testsupport.PostgresSupport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A whole gateway, started in this JVM on a random port against a fresh database on the test PostgreSQL,
 * for integration tests that speak to it over real HTTP.
 */
public final class GatewayInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final PostgresSupport.Database database;
    private final String adminToken;
    private final Queue<ClientResponse> eventStreams = new ConcurrentLinkedQueue<>();

    private GatewayInstance(
            ConfigurableApplicationContext context, PostgresSupport.Database database, String adminToken) {
        this.context = context;
        this.database = database;
        this.adminToken = adminToken;
    }

    /** Starts a gateway with these properties on top of the defaults and a fresh database. */
    public static GatewayInstance start(Map<String, String> properties) {
        return start(properties, PostgresSupport.newDatabase());
    }

    /** Starts a gateway on an existing database (e.g. a second replica). */
    public static GatewayInstance start(Map<String, String> properties, PostgresSupport.Database database) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server.port", "0");
        all.put("gateway.database.url", database.jdbcUrl());
        all.put("gateway.database.username", database.username());
        all.put("gateway.database.password", database.password());
        String adminToken = properties.getOrDefault(
                "gateway.auth.admin-token",
                new ApiKeyFormat().issue(KeyKind.ADMIN).token());
        all.put("gateway.auth.admin-token", adminToken);
        // a short warm-up: every start runs it, WarmUpIT runs a full one
        all.put("gateway.warm-up.requests", "20");
        // no keep-warm requests to the tests' fake upstreams unless a test asks (UpstreamKeepWarmIT)
        all.put("gateway.upstream-pool.keep-warm", "0s");
        all.putAll(properties);
        // as command-line arguments: they must win over application.yml, as an operator's settings do
        String[] arguments = all.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context =
                new SpringApplicationBuilder(GatewayApplication.class, SeparateNettyResources.class).run(arguments);
        return new GatewayInstance(context, database, adminToken);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * A client for this gateway over real HTTP. Each request gets a new connection: the JVM-wide pool of Reactor
     * Netty's default client is shared by every test class, whose gateways come and go on recycled ports.
     *
     * <p>Every answer but an event stream is read whole as it arrives ({@link #readWhole}): a test that checks
     * only the status would otherwise leave the body's network buffers unread, and never released. An event
     * stream that a test did not read is released when this gateway closes.
     */
    public WebTestClient client() {
        return WebTestClient.bindToServer(
                        new ReactorClientHttpConnector(HttpClient.create(ConnectionProvider.newConnection())))
                .baseUrl(baseUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .filter(ExchangeFilterFunction.ofResponseProcessor(this::readWhole))
                .build();
    }

    /**
     * The answer with its body read into memory, unless it is an event stream, which tests read event by event
     * (and cancel); those are kept for {@link #close}. The copy is a heap buffer that needs no release.
     */
    private Mono<ClientResponse> readWhole(ClientResponse response) {
        if (response.headers()
                .contentType()
                .filter(MediaType.TEXT_EVENT_STREAM::isCompatibleWith)
                .isPresent()) {
            eventStreams.add(response);
            return Mono.just(response);
        }
        return response.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(body -> response.mutate()
                        .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)))
                        .build());
    }

    /** The bootstrap admin token this instance was configured with. */
    public String adminToken() {
        return adminToken;
    }

    /** The admin API of this instance. */
    public AdminApi admin() {
        return new AdminApi(client(), adminToken);
    }

    /** A client that sends this key (and nothing else) on every request. */
    public WebTestClient client(String key) {
        return client().mutate().defaultHeader("Authorization", "Bearer " + key).build();
    }

    public PostgresSupport.Database database() {
        return database;
    }

    /** The gateway's application context, for what a single bean look-up cannot answer. */
    public ConfigurableApplicationContext context() {
        return context;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
        // a body can be read once: one that a test read (or cancelled) refuses this read, which is ignored
        eventStreams.forEach(stream -> stream.releaseBody().onErrorComplete().subscribe());
        eventStreams.clear();
    }
}
