/**
 * The JSON configuration of the wire format, in one place. {@link GatewayJson} builds the Jackson 3 mappers (strict
 * numbers through {@code StrictNumbers}, fast record construction through {@code RecordCreators}, unknown fields kept
 * for pass-through); {@link JsonTextGuard} checks a request body's raw UTF-8 before it is parsed (NUL, unpaired
 * surrogates, invalid UTF-8, oversized numbers, nesting depth); {@link StrictBody} and {@link KnownFields} refuse
 * unknown fields in the bodies the gateway interprets itself (the admin API's).
 *
 * <p>Within the core it depends only on {@code core.error}.
 */
@NullMarked
package io.llmgateway.core.json;

import org.jspecify.annotations.NullMarked;
