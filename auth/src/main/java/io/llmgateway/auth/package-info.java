/**
 * Identity without Spring: {@link KeyVerifier} checks a bearer token (format and checksum, the cached stored key, the
 * secret's hash, revocation and expiry), {@link CallerResolver} turns the {@link VerifiedKey} and the {@code X-User-Id}
 * / {@code X-Project-Id} headers into the {@link Caller} every handler receives, {@link AuthFailureThrottle} answers
 * repeated failures with 429, and {@link LastUsedRecorder} keeps last-used times in memory for the application to
 * flush.
 *
 * <p>Nothing in {@code io.llmgateway.auth..} may depend on Spring, the application or an adapter
 * ({@code ArchitectureTests}); the only gateway module it uses is {@code gateway-core}, for its errors. The Spring
 * Security wiring and the PostgreSQL store live in the application ({@code app.security}, {@code app.identity}).
 */
@NullMarked
package io.llmgateway.auth;

import org.jspecify.annotations.NullMarked;
