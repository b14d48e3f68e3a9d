package io.llmgateway.app.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.swagger.v3.core.util.PrimitiveType;
import java.util.Locale;
import org.springdoc.core.customizers.SpringDocCustomizers;
import org.springdoc.core.properties.SpringDocConfigProperties;
import org.springdoc.core.providers.SpringDocProviders;
import org.springdoc.core.service.AbstractRequestService;
import org.springdoc.core.service.GenericResponseService;
import org.springdoc.core.service.OpenAPIService;
import org.springdoc.core.service.OperationService;
import org.springdoc.core.utils.Constants;
import org.springdoc.webflux.api.OpenApiResource;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The document as springdoc builds it from the handler mappings, rendered once as JSON bytes. springdoc's own endpoint
 * builds the document on the first request on the thread that serves it (an event loop: class scanning and reflection
 * there), rewrites its {@code servers} for every request under a lock and serializes it anew each time; this builds it
 * on the first request on a bounded-elastic thread, then every request gets the same bytes. No {@code servers}: a
 * client resolves the paths against the address it fetched the document from.
 */
final class OpenApiDocument extends OpenApiResource {

    private final Mono<byte[]> json = Mono.fromCallable(this::render)
            .subscribeOn(Schedulers.boundedElastic())
            // built once; a failure is not kept: the next request tries again
            .cacheInvalidateIf(document -> false);

    OpenApiDocument(
            ObjectFactory<OpenAPIService> openApiService,
            AbstractRequestService requests,
            GenericResponseService responses,
            OperationService operations,
            SpringDocConfigProperties properties,
            SpringDocProviders providers,
            SpringDocCustomizers customizers) {
        super(
                Constants.DEFAULT_GROUP_NAME,
                openApiService,
                requests,
                responses,
                operations,
                properties,
                providers,
                customizers);
    }

    /** The document as JSON, built on first use. */
    Mono<byte[]> json() {
        return json;
    }

    private byte[] render() throws JsonProcessingException {
        // an Object, and a oneOf, is any JSON value, not an object ({} rather than {"type": "object"}); springdoc
        // leaves this JVM-wide switch of swagger's unset for OpenAPI 3.0
        PrimitiveType.explicitObjectType = false;
        return writeJsonValue(getOpenApi(null, Locale.ROOT));
    }

    /** Never asked: {@link #render} passes no server URL. */
    @Override
    protected String getServerUrl(ServerHttpRequest request, String apiDocsUrl) {
        return "";
    }
}
