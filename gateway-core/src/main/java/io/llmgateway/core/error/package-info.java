/**
 * The failures a client sees, each an OpenAI error body with an HTTP status: {@link GatewayException} and its subtypes
 * {@link InvalidRequestException} (4xx before any upstream call), {@link AccessException} (401, 403 and the 429 of
 * repeated authentication failures) and {@link UpstreamException} (the upstream's status mapped by one rule, with the
 * deployment and whether the failure is transient), plus the {@link ErrorType} values. Every instance comes from a
 * static factory that names the parameter or code, and none fills in a stack trace.
 *
 * <p>The application turns any other exception into one of these in a single place ({@code app.error.ErrorMapper}).
 * Within the core it depends only on {@code core.protocol} (for {@code ErrorBody}).
 */
@NullMarked
package io.llmgateway.core.error;

import org.jspecify.annotations.NullMarked;
