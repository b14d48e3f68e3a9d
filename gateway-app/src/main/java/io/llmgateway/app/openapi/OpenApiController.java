package io.llmgateway.app.openapi;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /openapi.json}: the OpenAPI document, public (no key), the same bytes for every request. */
@Hidden
@RestController
@ConditionalOnProperty(name = "springdoc.api-docs.enabled", havingValue = "true", matchIfMissing = true)
public class OpenApiController {

    /** The document's path, open without a key ({@code SecurityConfiguration}). */
    public static final String PATH = "/openapi.json";

    private final OpenApiDocument document;

    OpenApiController(OpenApiDocument document) {
        this.document = document;
    }

    @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<byte[]> document() {
        return document.json();
    }
}
