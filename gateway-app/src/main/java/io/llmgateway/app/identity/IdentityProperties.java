package io.llmgateway.app.identity;

import io.llmgateway.auth.key.ApiKeyFormat;
import io.llmgateway.auth.key.KeyKind;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Authentication settings.
 *
 * @param adminToken            a bootstrap admin token (a {@code gwa_} key) from the environment; ensured to exist
 * @param adminTokenFile        a file holding the bootstrap admin token (a mounted secret); wins over admin-token
 * @param adminTokenHash        instead of the token itself: {@code <key id>:<hex SHA-256 of the secret>}
 * @param cacheTtl              the longest a verified key stays cached without a change notification (default 5m)
 * @param cacheMaxStale         while the database is away, how long after its last successful read a cached key,
 *                              user, project or membership is still served (default 1h); keys not seen before
 *                              cannot be verified then
 * @param cacheMaximumSize      cached keys, users, projects and memberships, each (default 100000)
 * @param failureLimit          failed authentications allowed per client address and window (default 20)
 * @param failureWindow         the window of that limit (default 1m)
 * @param lastUsedFlushInterval how often last-used times are written to the database (default 10s)
 */
@Validated
@ConfigurationProperties("gateway.auth")
public record IdentityProperties(
        String adminToken,
        Path adminTokenFile,

        @Pattern(regexp = "\\s*|\\s*[0-9A-Za-z]{12}:[0-9a-fA-F]{64}\\s*", message = "must be <key id>:<hex sha-256>") String adminTokenHash,

        @DefaultValue("5m") @DurationMin(nanos = 0) Duration cacheTtl,
        @DefaultValue("1h") @DurationMin(nanos = 0) Duration cacheMaxStale,
        @DefaultValue("100000") @Min(0) long cacheMaximumSize,
        @DefaultValue("20") @Min(1) int failureLimit,

        @DefaultValue("1m") @DurationMin(nanos = 0, inclusive = false)
        Duration failureWindow,

        @DefaultValue("10s") @DurationMin(nanos = 0, inclusive = false)
        Duration lastUsedFlushInterval) {

    @AssertTrue(
            message = "admin-token is not a gwa_ admin token; start once without it to have the gateway generate one")
    boolean isAdminTokenAnAdminKey() {
        return adminToken == null
                || adminToken.isBlank()
                || ApiKeyFormat.parse(adminToken.strip())
                        .filter(key -> key.kind() == KeyKind.ADMIN)
                        .isPresent();
    }
}
