package io.llmgateway.app.routing;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.core.profile.RequestProfiler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import io.llmgateway.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolves a public model id to its {@link Route}; the configuration is checked at start-up. */
public class ModelRouter {

    private final Map<String, Route> routes;

    public ModelRouter(RoutingProperties properties, ProviderRegistry providers, ProfileRegistry profiles,
                       JsonMapper json) {
        Map<String, Route> byId = new LinkedHashMap<>();
        for (RoutingProperties.Model model : properties.models()) {
            if (!providers.contains(model.deployment())) {
                throw new IllegalStateException("gateway.models entry '" + model.id() + "' names deployment '"
                        + model.deployment() + "', which is not configured under gateway.deployments");
            }
            if (byId.containsKey(model.id())) {
                throw new IllegalStateException("gateway.models lists '" + model.id() + "' twice");
            }
            var deployment = providers.deployment(model.deployment());
            String upstreamModel = deployment.upstreamModel() != null ? deployment.upstreamModel() : model.id();
            String ownedBy = model.ownedBy() != null ? model.ownedBy() : deployment.type();
            Map<String, JsonNode> defaults = new LinkedHashMap<>();
            model.defaults().keySet().stream().filter(name -> !RequestProfiler.isKnownParameter(name)).findFirst()
                    .ifPresent(name -> {
                        throw new IllegalStateException("gateway.models entry '" + model.id() + "' has a default"
                                + " for '" + name + "', which is not a chat-completion parameter (write names with"
                                + " an underscore in brackets: \"[max_tokens]\")");
                    });
            model.defaults().forEach((name, value) -> defaults.put(name, ProfileRegistry.json(value, json)));
            byId.put(model.id(), new Route(model.id(), model.deployment(), upstreamModel, ownedBy,
                    providers.provider(model.deployment()), profiles.get(model.profile()), model.contextLength(),
                    Map.copyOf(defaults), providers.reportsStreamUsage(model.deployment())));
        }
        this.routes = Collections.unmodifiableMap(byId);
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
