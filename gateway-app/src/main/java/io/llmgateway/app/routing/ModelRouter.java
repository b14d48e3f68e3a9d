package io.llmgateway.app.routing;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.app.config.RoutingProperties.ModelType;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.tokens.ModelTokenizers;
import io.llmgateway.app.usage.Price;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.profile.ParameterProfile;
import io.llmgateway.core.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resolves a public model id to its {@link Route}. The references between models, deployments and profiles are
 * checked when {@code gateway} is bound ({@code ConsistentRouting}); what needs the other beans (a model id taken by
 * a model the gateway serves itself, a tokenizer) is checked here, at start-up.
 */
public class ModelRouter {

    private final Map<String, Route> routes;

    /**
     * The routes of the configured models, then of the models the gateway serves in process.
     *
     * @param tokenizers loads each model's tokenizer (here, at start-up)
     */
    public ModelRouter(
            RoutingProperties properties,
            ProviderRegistry providers,
            ProfileRegistry profiles,
            ModelTokenizers tokenizers,
            JsonMapper json,
            List<LocalModel> localModels) {
        Map<String, Route> byId = new LinkedHashMap<>();
        List<RoutingProperties.Model> models = properties.models();
        for (int i = 0; i < models.size(); i++) {
            RoutingProperties.Model model = models.get(i);
            byId.put(model.id(), route(model, providers, profiles, tokenizer(tokenizers, model, i), json));
        }
        for (LocalModel local : localModels) {
            if (byId.containsKey(local.id())) {
                throw new IllegalStateException("gateway.models lists '" + local.id() + "', which is the id of a"
                        + " model the gateway serves itself; choose another id");
            }
            // it reports the tokens it embedded; the estimate before the call uses the default tokenizer
            TokenCounter tokenizer = tokenizers.defaultCounter();
            byId.put(
                    local.id(),
                    new Route(
                            local.id(),
                            local.ownedBy(),
                            ModelType.EMBEDDING,
                            null,
                            null,
                            Map.of(),
                            List.of(new Route.Target(
                                    LocalModel.DEPLOYMENT,
                                    local.id(),
                                    null,
                                    local.embeddings(),
                                    1,
                                    StreamUsage.NONE,
                                    tokenizer)),
                            List.of(),
                            Price.FREE,
                            tokenizer));
        }
        this.routes = Collections.unmodifiableMap(byId);
    }

    /** The model's tokenizer; a bad setting stops start-up, naming the property. */
    private static TokenCounter tokenizer(ModelTokenizers tokenizers, RoutingProperties.Model model, int index) {
        try {
            return tokenizers.counter(model.tokenizer());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "gateway.models[" + index + "].tokenizer (model '" + model.id() + "'): " + e.getMessage(), e);
        }
    }

    private static Route route(
            RoutingProperties.Model model,
            ProviderRegistry providers,
            ProfileRegistry profiles,
            TokenCounter tokenizer,
            JsonMapper json) {
        List<Route.Target> targets = new ArrayList<>();
        for (RoutingProperties.Target target : model.targets()) {
            var deployment = Objects.requireNonNull(providers.deployment(target.name()), "a configured deployment");
            String upstreamModel = deployment.upstreamModel() != null ? deployment.upstreamModel() : model.id();
            targets.add(new Route.Target(
                    target.name(),
                    upstreamModel,
                    providers.provider(target.name()),
                    Objects.requireNonNull(providers.embeddings(target.name()), "a configured deployment"),
                    target.weight(),
                    providers.streamUsage(target.name()),
                    tokenizer));
        }
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        model.defaults().forEach((name, value) -> defaults.put(name, ProfileRegistry.json(value, json)));
        String ownedBy = model.ownedBy() != null
                ? model.ownedBy()
                : Objects.requireNonNull(providers.deployment(targets.get(0).deployment()), "a configured deployment")
                        .type();
        // the profile checks chat parameters: an embedding model has none
        ParameterProfile profile = model.type() == ModelType.CHAT ? profiles.get(model.profile()) : null;
        return new Route(
                model.id(),
                ownedBy,
                model.type(),
                profile,
                model.contextLength(),
                defaults,
                targets,
                model.fallbacks(),
                model.price() == null ? Price.FREE : model.price(),
                tokenizer);
    }

    /** The route of a model id; 404 {@code model_not_found} when there is none. */
    public Route resolve(String modelId) {
        Route route = modelId == null ? null : routes.get(modelId);
        if (route == null) {
            throw InvalidRequestException.modelNotFound(modelId);
        }
        return route;
    }

    /** Every route, in configuration order. */
    public List<Route> routes() {
        return new ArrayList<>(routes.values());
    }
}
