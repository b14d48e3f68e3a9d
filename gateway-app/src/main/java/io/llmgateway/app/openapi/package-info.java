/**
 * The OpenAPI document of the data plane ({@code /v1}) and the admin API ({@code /admin/v1}), served at
 * {@code GET /openapi.json} without a key ({@link OpenApiController}). springdoc reads it from the handlers and their
 * {@code @Operation}s once, off the event loop, on the first request ({@link OpenApiDocument}).
 * {@link OpenApiCustomizations} adds what the handlers cannot say (the bearer keys, the {@code X-User-Id} and
 * {@code X-Project-Id} headers, OpenAI's error body), {@link SchemaRules} holds every schema to the code's
 * null-safety and to one type per name, and {@link WireBodies} gives the wire shape of the bodies the gateway reads
 * with its own readers. {@code OpenApiIT} fails when a handler is missing from the document or undocumented.
 */
@NullMarked
package io.llmgateway.app.openapi;

import org.jspecify.annotations.NullMarked;
