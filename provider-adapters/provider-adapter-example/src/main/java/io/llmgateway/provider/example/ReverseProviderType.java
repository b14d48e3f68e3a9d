package io.llmgateway.provider.example;

import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.ProviderType;
import tools.jackson.databind.json.JsonMapper;

/** Deployments of type {@value #TYPE}: in-process, nothing to release. */
public class ReverseProviderType implements ProviderType<ReverseSettings> {

    public static final String TYPE = "reverse";

    private final JsonMapper json;

    public ReverseProviderType(JsonMapper json) {
        this.json = json;
    }

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public Class<ReverseSettings> settingsType() {
        return ReverseSettings.class;
    }

    @Override
    public ReverseSettings defaultSettings() {
        return ReverseSettings.DEFAULTS;
    }

    @Override
    public DeploymentProviders create(Deployment deployment, ReverseSettings settings) {
        ReverseProvider provider = new ReverseProvider(deployment, settings, json);
        return DeploymentProviders.of(provider, provider);
    }
}
