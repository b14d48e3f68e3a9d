package io.llmgateway.app;

import io.llmgateway.testsupport.PostgresSupport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A whole gateway, started in this JVM on a random port against a fresh database on the test PostgreSQL,
 * for integration tests that speak to it over real HTTP.
 */
public final class GatewayInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final PostgresSupport.Database database;

    private GatewayInstance(ConfigurableApplicationContext context, PostgresSupport.Database database) {
        this.context = context;
        this.database = database;
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
        all.putAll(properties);
        // as command-line arguments: they must win over application.yml, as an operator's settings do
        String[] arguments = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
                .run(arguments);
        return new GatewayInstance(context, database);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** A client for this gateway over real HTTP. */
    public WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl(baseUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    public PostgresSupport.Database database() {
        return database;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
