package io.llmgateway.app.routing;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.usage.Price;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.profile.RequestProfiler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Resolves a public model id to its {@link Route}; the configuration is checked at start-up. */
public class ModelRouter {

    private final Map<String, Route> routes;

    public ModelRouter(RoutingProperties properties, ProviderRegistry providers, ProfileRegistry profiles,
                       JsonMapper json) {
        Map<String, Route> byId = new LinkedHashMap<>();
        for (RoutingProperties.Model model : properties.models()) {
            if (byId.containsKey(model.id())) {
                throw new IllegalStateException("gateway.models lists '" + model.id() + "' twice");
            }
            byId.put(model.id(), route(model, providers, profiles, json));
        }
        for (Route route : byId.values()) {
            for (String fallback : route.fallbacks()) {
                if (!byId.containsKey(fallback) || fallback.equals(route.modelId())) {
                    throw new IllegalStateException("gateway.models entry '" + route.modelId()
                            + "' has fallback '" + fallback + "', which is not another configured model");
                }
            }
        }
        this.routes = Collections.unmodifiableMap(byId);
    }

    private static Route route(RoutingProperties.Model model, ProviderRegistry providers, ProfileRegistry profiles,
                               JsonMapper json) {
        if (model.targets().isEmpty()) {
            throw new IllegalStateException("gateway.models entry '" + model.id() + "' names no deployment");
        }
        List<Route.Target> targets = new ArrayList<>();
        for (RoutingProperties.Target target : model.targets()) {
            if (!providers.contains(target.name())) {
                throw new IllegalStateException("gateway.models entry '" + model.id() + "' names deployment '"
                        + target.name() + "', which is not configured under gateway.deployments");
            }
            if (target.weight() < 1) {
                throw new IllegalStateException("gateway.models entry '" + model.id() + "': the weight of '"
                        + target.name() + "' must be at least 1");
            }
            var deployment = providers.deployment(target.name());
            String upstreamModel = deployment.upstreamModel() != null ? deployment.upstreamModel() : model.id();
            targets.add(new Route.Target(target.name(), upstreamModel, providers.provider(target.name()),
                    target.weight(), providers.reportsStreamUsage(target.name())));
        }
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        model.defaults().forEach((name, value) -> {
            if (!RequestProfiler.isKnownParameter(name)) {
                throw new IllegalStateException("gateway.models entry '" + model.id() + "' has a default for '"
                        + name + "', which is not a chat-completion parameter (write names with an underscore in"
                        + " brackets: \"[max_tokens]\")");
            }
            defaults.put(name, ProfileRegistry.json(value, json));
        });
        String ownedBy = model.ownedBy() != null ? model.ownedBy()
                : providers.deployment(targets.get(0).deployment()).type();
        return new Route(model.id(), ownedBy, profiles.get(model.profile()), model.contextLength(),
                Map.copyOf(defaults), List.copyOf(targets), List.copyOf(model.fallbacks()),
                model.price() == null ? Price.FREE : model.price());
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
