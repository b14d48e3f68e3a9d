package io.llmgateway.app.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.DeploymentProviders;
import io.llmgateway.core.provider.ProviderType;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.provider.mock.MockChatProvider;
import io.llmgateway.provider.mock.MockProviderFactory;
import io.llmgateway.testsupport.TestJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The registry is a lookup of the provider types it is given: by name, with their own settings, and it releases. */
class ProviderRegistryTests {

    /** A type that records what it was asked to build and what was released. */
    record Counting(String name, List<String> built, List<String> released) implements ProviderType<Counting.Knobs> {

        record Knobs(Integer level) {}

        @Override
        public Class<Knobs> settingsType() {
            return Knobs.class;
        }

        @Override
        public Knobs defaultSettings() {
            return new Knobs(0);
        }

        @Override
        public DeploymentProviders create(Deployment deployment, Knobs settings) {
            built.add(deployment.name() + ":" + settings.level());
            MockChatProvider chat =
                    new MockProviderFactory(TiktokenTokenizer.cl100k(), TestJson.mapper()).chat(deployment, null);
            return new DeploymentProviders(chat, request -> null, () -> released.add(deployment.name()));
        }
    }

    private static ProviderRegistry registry(Map<String, String> settings, List<? extends ProviderType<?>> types) {
        Binder binder = new Binder(new MapConfigurationPropertySource(settings));
        return new ProviderRegistry(binder.bindOrCreate("gateway", RoutingProperties.class), types, binder);
    }

    @Test
    void eachDeploymentIsBuiltByTheTypeItNamesWithItsOwnSettingsAndReleasedAtClose() {
        Counting counting = new Counting("counting", new ArrayList<>(), new ArrayList<>());
        ProviderRegistry registry = registry(
                Map.of(
                        "gateway.deployments.a.type", "counting",
                        "gateway.deployments.a.counting.level", "7",
                        "gateway.deployments.b.type", "counting"),
                List.of(counting));

        assertThat(counting.built()).containsExactlyInAnyOrder("a:7", "b:0");
        assertThat(registry.contains("a")).isTrue();
        assertThat(counting.released()).isEmpty();

        registry.close();

        assertThat(counting.released()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void anUnknownTypeStopsTheStartNamingTheSettingAndTheKnownTypes() {
        assertThatThrownBy(() -> registry(
                        Map.of("gateway.deployments.x.type", "anthropic"),
                        List.of(new Counting("counting", new ArrayList<>(), new ArrayList<>()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gateway.deployments.x.type 'anthropic' is not a provider type; known: counting");
    }

    @Test
    void twoTypesOfOneNameAreRefused() {
        assertThatThrownBy(() -> registry(
                        Map.of(),
                        List.of(
                                new Counting("twin", new ArrayList<>(), new ArrayList<>()),
                                new Counting("twin", new ArrayList<>(), new ArrayList<>()))))
                .hasMessageContaining("two provider types are named 'twin'");
    }
}
