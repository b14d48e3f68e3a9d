package io.llmgateway.app.config;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.json.StrictBody;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire JSON settings for every codec: request bodies are guarded and decoded strictly ({@link GuardedJsonDecoder},
 * {@link GatewayJson#newRequestMapper()}, admin bodies refuse unknown fields), responses are written with the one
 * gateway mapper. And the request body limit.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration implements WebFluxConfigurer {

    private final HttpProperties http;
    private final JsonMapper json;
    private final JsonMapper requests;

    public WebConfiguration(HttpProperties http) {
        this.http = http;
        this.json = JsonWarmUp.warm(GatewayJson.newMapper());
        this.requests = JsonWarmUp.warm(GatewayJson.newRequestMapper());
    }

    /**
     * The one JSON mapper of the gateway (strict scalars, unknown fields kept by the records), warmed up for the wire
     * records before the server starts: the HTTP codecs write with it, and every component that reads or writes JSON
     * (adapters, answer scanners, meters, stores, the search index) is given it; none keeps a mapper of its own.
     */
    @Bean
    public JsonMapper gatewayJsonMapper() {
        return json;
    }

    /**
     * The mapper of request bodies ({@link GatewayJson#newRequestMapper()}), the codecs' and the pipeline's, which
     * reads the typed request from the body's tree; injected by name only.
     */
    @Bean(defaultCandidate = false)
    public JsonMapper gatewayRequestMapper() {
        return requests;
    }

    /** The body limit, with the per-endpoint exceptions other configurations declare (file uploads). */
    @Bean
    BodySizeLimitFilter bodySizeLimitFilter(ObjectProvider<BodySizeLimitFilter.PathLimit> pathLimits) {
        return new BodySizeLimitFilter(
                http.maxBodySize().toBytes(), pathLimits.orderedStream().toList());
    }

    /** Stamps each request's arrival for {@code x-gateway-overhead-ms} and the ledger's latencies. */
    @Bean
    NettyServerCustomizer requestArrival() {
        return RequestArrival.customizer();
    }

    @Bean
    RequestRulesFilter requestRulesFilter() {
        return new RequestRulesFilter();
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        GuardedJsonDecoder decoder = new GuardedJsonDecoder(requests);
        JsonMapper strict = GatewayJson.newStrictMapper();
        decoder.registerMappersForType(StrictBody.class, mappers -> mappers.put(MediaType.APPLICATION_JSON, strict));
        configurer.defaultCodecs().jacksonJsonDecoder(decoder);
        configurer.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(json));
        configurer.defaultCodecs().maxInMemorySize((int)
                Math.min(Integer.MAX_VALUE, http.maxBodySize().toBytes()));
    }
}
