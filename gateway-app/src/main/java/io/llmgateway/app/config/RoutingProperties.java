package io.llmgateway.app.config;

import io.llmgateway.app.profile.ProfileSettings;
import io.llmgateway.app.usage.Price;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which public model ids exist, which provider deployment serves each, and the parameter profiles that check their
 * requests: everything bound directly under {@code gateway}. {@link ConsistentRouting} checks that the entries
 * refer to each other consistently.
 *
 * @param models      the public model ids, in the order {@code GET /v1/models} lists them
 * @param deployments named provider instances, referenced by models
 * @param profiles    parameter profiles by name, referenced by models; the shipped ones come from
 *                    {@code gateway-profiles.yml}
 */
@Validated
@ConsistentRouting
@ConfigurationProperties("gateway")
public record RoutingProperties(
        @DefaultValue List<@Valid Model> models,
        @DefaultValue Map<String, @Valid Deployment> deployments,
        @DefaultValue Map<String, @Valid ProfileSettings> profiles) {

    /**
     * A public model id.
     *
     * @param id            the id clients send as {@code model}, e.g. {@code microsoft/phi-3.5-moe-instruct}
     * @param deployment    the name of the deployment that serves it
     * @param ownedBy       the {@code owned_by} shown by {@code GET /v1/models} (default: the deployment's type)
     * @param profile       the parameter profile that checks and completes its requests (default {@code default}:
     *                      OpenAI's ranges, anything else passes)
     * @param contextLength the model's context length in tokens; {@code max_tokens} is checked against it
     * @param defaults      parameter defaults of this route, as JSON values, over the profile's defaults
     * @param deployments   several deployments with weights, instead of one {@code deployment}
     * @param fallbacks     model ids tried in order when every deployment of this one fails
     * @param price         US dollars per million input, output and cached input tokens (default: free)
     * @param type          {@code chat} (default: served by {@code /v1/chat/completions}) or {@code embedding}
     *                      (served by {@code /v1/embeddings}, and usable as the retrieval embedding model)
     * @param tokenizer     what counts its tokens when its upstream reports no usage, and its prompts before a call:
     *                      a tiktoken encoding ({@code cl100k_base}, the default, {@code o200k_base},
     *                      {@code p50k_base}, {@code r50k_base}, ...) or the model's Hugging Face
     *                      {@code tokenizer.json} (a path ending in {@code .json}, or a {@code file:} URL)
     */
    public record Model(
            @NotBlank String id,
            String deployment,
            String ownedBy,
            @DefaultValue("default") String profile,
            Integer contextLength,
            @DefaultValue Map<String, String> defaults,
            @DefaultValue List<@Valid Target> deployments,
            @DefaultValue List<String> fallbacks,
            @Valid Price price,
            @DefaultValue("chat") ModelType type,
            String tokenizer) {

        /** The deployments of this model: {@code deployments}, or the single {@code deployment}. */
        public List<Target> targets() {
            if (!deployments.isEmpty()) {
                return deployments;
            }
            return deployment == null ? List.of() : List.of(new Target(deployment, 1));
        }
    }

    /** What a model does, and so which endpoint serves it. */
    public enum ModelType {
        /** Chat completions. */
        CHAT,
        /** Embeddings: texts to vectors. */
        EMBEDDING
    }

    /**
     * A weighted deployment of a model.
     *
     * @param name   the deployment
     * @param weight its share of the traffic (default 1)
     */
    public record Target(
            @NotBlank String name,
            @DefaultValue("1") @Min(1) int weight) {}

    /**
     * A provider instance.
     *
     * @param type          the provider type: {@code openai} (any OpenAI-compatible API), {@code nim} (NVIDIA's API
     *                      catalog), {@code octo} (vLLM-class engines with Octo-style parameters), {@code mock}, or
     *                      the name of a type another adapter module contributes; a type's own settings go under
     *                      {@code gateway.deployments.<name>.<type>}
     * @param baseUrl       the API root, e.g. {@code https://integrate.api.nvidia.com/v1}; required for
     *                      {@code openai}
     * @param apiKey        the gateway's key for this provider; put an environment placeholder here, e.g.
     *                      {@code ${NVIDIA_API_KEY:}}, never the literal key
     * @param apiKeyFile    a file holding the key (a mounted secret); wins over {@code api-key}
     * @param upstreamModel the model name the upstream expects (default: the public model id)
     * @param timeouts      connect, first-byte and between-chunks limits
     * @param streamUsage   the upstream honours {@code stream_options.include_usage}, so the gateway always asks
     *                      for usage on streams (default true)
     * @param continuousUsage the upstream honours vLLM's {@code stream_options.continuous_usage_stats}, so the
     *                      gateway asks for the usage so far on every chunk and a stream cut short is billed the
     *                      engine's own counts (default false)
     */
    public record Deployment(
            @DefaultValue("openai") String type,
            URI baseUrl,
            String apiKey,
            Path apiKeyFile,
            String upstreamModel,
            @DefaultValue @Valid Timeouts timeouts,
            @DefaultValue("true") boolean streamUsage,
            @DefaultValue("false") boolean continuousUsage) {

        @AssertTrue(message = "continuous-usage needs stream-usage (continuous usage is reported with include_usage)")
        boolean isContinuousUsageAskedWithStreamUsage() {
            return !continuousUsage || streamUsage;
        }
    }

    /**
     * Time limits of each upstream call.
     *
     * @param connect       to establish the connection (default 5s)
     * @param firstByte     to the first streamed chunk, or to the whole answer when not streaming (default 120s)
     * @param betweenChunks longest silence between two streamed chunks (default 60s)
     */
    public record Timeouts(
            @DefaultValue("5s") Duration connect,
            @DefaultValue("120s") Duration firstByte,
            @DefaultValue("60s") Duration betweenChunks) {}
}
