package io.llmgateway.core.error;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failure of the upstream provider, with the deployment that failed and the upstream's status.
 *
 * <p>Statuses follow one rule: an upstream 400/404/422 (and other client errors) keeps its status and message,
 * so the caller can fix the request; 429 stays 429 with {@code Retry-After}; 5xx, a refused connection and an
 * upstream that rejects the gateway's own credentials become 502; timeouts become 504.
 */
public final class UpstreamException extends GatewayException {

    private final String deployment;
    private final int upstreamStatus;
    private final boolean transientFailure;

    private UpstreamException(
            int status,
            ErrorType type,
            String message,
            @Nullable String param,
            @Nullable String code,
            @Nullable Duration retryAfter,
            @Nullable Throwable cause,
            String deployment,
            int upstreamStatus,
            boolean transientFailure) {
        super(status, type, message, param, code, retryAfter, cause);
        this.deployment = deployment;
        this.upstreamStatus = upstreamStatus;
        this.transientFailure = transientFailure;
    }

    /** The upstream answered with an error status; {@code message}, {@code param} and {@code code} are its own. */
    public static UpstreamException fromStatus(
            String deployment,
            int upstreamStatus,
            @Nullable String message,
            @Nullable String param,
            @Nullable String code,
            @Nullable Duration retryAfter) {
        if (upstreamStatus == 429) {
            return new UpstreamException(
                    429,
                    ErrorType.RATE_LIMIT,
                    message == null
                            ? "The provider of deployment '" + deployment
                                    + "' is rate limiting the gateway (status 429)."
                            : message,
                    param,
                    code == null ? "rate_limit_exceeded" : code,
                    retryAfter,
                    null,
                    deployment,
                    429,
                    true);
        }
        if (upstreamStatus == 401 || upstreamStatus == 403) {
            return new UpstreamException(
                    502,
                    ErrorType.UPSTREAM,
                    "The provider rejected the gateway's credentials for deployment '" + deployment
                            + "'; an operator must fix its API key.",
                    null,
                    "upstream_auth_failed",
                    null,
                    null,
                    deployment,
                    upstreamStatus,
                    false);
        }
        if (upstreamStatus >= 500) {
            return new UpstreamException(
                    502,
                    ErrorType.UPSTREAM,
                    "The provider of deployment '" + deployment + "' failed with status " + upstreamStatus
                            + (message == null ? "." : ": " + message),
                    null,
                    "upstream_error",
                    retryAfter,
                    null,
                    deployment,
                    upstreamStatus,
                    true);
        }
        return new UpstreamException(
                upstreamStatus,
                ErrorType.INVALID_REQUEST,
                message == null ? "The provider refused the request with status " + upstreamStatus + "." : message,
                param,
                code,
                null,
                null,
                deployment,
                upstreamStatus,
                false);
    }

    /** The upstream could not be reached, or dropped the connection before answering. */
    public static UpstreamException unreachable(String deployment, Throwable cause) {
        return new UpstreamException(
                502,
                ErrorType.UPSTREAM,
                "The provider of deployment '" + deployment + "' could not be reached.",
                null,
                "upstream_unreachable",
                null,
                cause,
                deployment,
                0,
                true);
    }

    /** The upstream did not answer (or stopped sending) within the configured time. */
    public static UpstreamException timeout(String deployment, String which, Duration limit) {
        return new UpstreamException(
                504,
                ErrorType.TIMEOUT,
                "The provider of deployment '" + deployment + "' did not respond within the " + which + " timeout of "
                        + limit.toMillis() + " ms.",
                null,
                "upstream_timeout",
                null,
                null,
                deployment,
                0,
                true);
    }

    /** The upstream sent something that is not a valid completion. */
    public static UpstreamException invalidResponse(String deployment, String detail) {
        return new UpstreamException(
                502,
                ErrorType.UPSTREAM,
                "The provider of deployment '" + deployment + "' sent an invalid response: " + detail,
                null,
                "upstream_invalid_response",
                null,
                null,
                deployment,
                0,
                false);
    }

    /** The upstream reported an error inside its event stream. */
    public static UpstreamException inStream(
            String deployment, @Nullable String message, @Nullable String type, @Nullable String code) {
        return new UpstreamException(
                502,
                ErrorType.UPSTREAM,
                message == null ? "The provider of deployment '" + deployment + "' failed mid-stream." : message,
                null,
                code == null ? "upstream_error" : code,
                null,
                null,
                deployment,
                0,
                false);
    }

    /** The deployment (named provider instance) that failed. */
    public String deployment() {
        return deployment;
    }

    /** The status the upstream answered with, or 0 when it did not answer. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    /** Whether retrying on another deployment may succeed (connect errors, 429, 5xx, timeouts). */
    public boolean isTransient() {
        return transientFailure;
    }
}
