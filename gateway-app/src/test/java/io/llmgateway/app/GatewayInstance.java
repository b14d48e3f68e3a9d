package io.llmgateway.app;

import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import io.llmgateway.testsupport.PostgresSupport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
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

    private GatewayInstance(ConfigurableApplicationContext context, PostgresSupport.Database database,
                            String adminToken) {
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
        String adminToken = properties.getOrDefault("gateway.auth.admin-token",
                new ApiKeyFormat().issue(KeyKind.ADMIN).token());
        all.put("gateway.auth.admin-token", adminToken);
        all.putAll(properties);
        // as command-line arguments: they must win over application.yml, as an operator's settings do
        String[] arguments = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class, SeparateNettyResources.class)
                .run(arguments);
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
     */
    public WebTestClient client() {
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(
                        HttpClient.create(ConnectionProvider.newConnection())))
                .baseUrl(baseUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
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
    }
}
