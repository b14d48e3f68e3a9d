/**
 * The key format and its hashing: {@link ApiKeyFormat} ({@code <prefix><key id>_<secret><checksum>}, issuing and
 * parsing), {@link KeyKind} (personal access token {@code gwp_}, service key {@code gws_}, admin token {@code gwa_})
 * and {@link SecretHash} (one SHA-256, compared in constant time). Depends on no other gateway package.
 */
@NullMarked
package io.llmgateway.auth.key;

import org.jspecify.annotations.NullMarked;
