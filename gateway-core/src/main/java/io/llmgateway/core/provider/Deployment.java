package io.llmgateway.core.provider;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named provider instance: where it is, how the gateway authenticates to it, which model it serves.
 *
 * @param name          the deployment's name in configuration; appears in errors and metrics
 * @param type          the adapter that speaks to it ({@code openai}, {@code mock}, ...)
 * @param baseUrl       the API root, e.g. {@code https://integrate.api.nvidia.com/v1}; null for in-process types
 * @param apiKey        the gateway's own key for this provider, never the caller's
 * @param upstreamModel the model name the upstream expects
 * @param timeouts      connect, first-byte and between-chunks limits
 */
public record Deployment(
        String name, String type, @Nullable URI baseUrl, Secret apiKey, String upstreamModel, Timeouts timeouts) {

    public Deployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        apiKey = apiKey == null ? Secret.NONE : apiKey;
        timeouts = timeouts == null ? Timeouts.DEFAULTS : timeouts;
    }
}
