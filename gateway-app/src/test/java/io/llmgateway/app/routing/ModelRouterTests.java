package io.llmgateway.app.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.app.config.RoutingProperties.ModelType;
import io.llmgateway.app.profile.ProfileRegistry;
import io.llmgateway.app.profile.ProfileSettings;
import io.llmgateway.app.tokens.ModelTokenizers;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.provider.mock.MockProviderFactory;
import io.llmgateway.provider.nim.NimProviderFactory;
import io.llmgateway.provider.octo.OctoProviderFactory;
import io.llmgateway.provider.openai.OpenAiProviderFactory;
import io.llmgateway.testsupport.TestJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import reactor.core.publisher.Mono;

/** Model types in the routing table: chat and embedding models, the in-process ones, and what start-up refuses. */
class ModelRouterTests {

    private static final LocalModel LOCAL = new LocalModel(
            "local-embed", "llm-gateway", request -> Mono.just(new EmbeddingResult(List.of(new float[] {1f}), 1)));

    private static ModelRouter router(Map<String, String> settings, List<LocalModel> locals) {
        Binder binder = new Binder(new MapConfigurationPropertySource(settings));
        RoutingProperties routing =
                binder.bind("gateway", RoutingProperties.class).get();
        OpenAiProviderFactory openAi =
                new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS);
        ProviderRegistry providers = new ProviderRegistry(
                routing,
                List.of(
                        openAi,
                        new NimProviderFactory(openAi),
                        new OctoProviderFactory(openAi),
                        new MockProviderFactory(TiktokenTokenizer.cl100k(), TestJson.mapper())),
                binder);
        return new ModelRouter(
                routing,
                providers,
                new ProfileRegistry(shippedProfiles(), TestJson.mapper()),
                new ModelTokenizers(),
                TestJson.mapper(),
                locals);
    }

    private static Map<String, ProfileSettings> shippedProfiles() {
        try {
            StandardEnvironment environment = new StandardEnvironment();
            new YamlPropertySourceLoader()
                    .load("profiles", new ClassPathResource("gateway-profiles.yml"))
                    .forEach(source -> environment.getPropertySources().addLast(source));
            return new Binder(ConfigurationPropertySources.get(environment))
                    .bind("gateway", RoutingProperties.class)
                    .get()
                    .profiles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> chatAndEmbedding() {
        return Map.of(
                "gateway.deployments.mock.type",
                "mock",
                "gateway.models[0].id",
                "chat",
                "gateway.models[0].deployment",
                "mock",
                "gateway.models[1].id",
                "embed",
                "gateway.models[1].deployment",
                "mock",
                "gateway.models[1].type",
                "embedding");
    }

    @Test
    void modelsAreChatUnlessTypedAndTheLocalOnesComeLast() {
        ModelRouter router = router(chatAndEmbedding(), List.of(LOCAL));

        assertThat(router.routes()).extracting(Route::modelId).containsExactly("chat", "embed", "local-embed");
        assertThat(router.resolve("chat").type()).isEqualTo(ModelType.CHAT);
        assertThat(router.resolve("embed").isEmbedding()).isTrue();
        assertThat(router.resolve("embed").targets().get(0).embeddings()).isNotNull();
        Route local = router.resolve("local-embed");
        assertThat(local.isEmbedding()).isTrue();
        assertThat(local.targets()).singleElement().satisfies(target -> {
            assertThat(target.deployment()).isEqualTo(LocalModel.DEPLOYMENT);
            assertThat(target.embeddings()).isSameAs(LOCAL.embeddings());
            assertThat(target.provider()).isNull();
        });
        assertThatThrownBy(() -> router.resolve("nope")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aConfiguredModelCannotTakeALocalModelsId() {
        Map<String, String> settings = new HashMap<>(chatAndEmbedding());
        settings.put("gateway.models[2].id", "local-embed");
        settings.put("gateway.models[2].deployment", "mock");

        assertThatThrownBy(() -> router(settings, List.of(LOCAL)))
                .hasMessageContaining("'local-embed'")
                .hasMessageContaining("serves itself");
    }

    @Test
    void anUnknownTypeStopsTheStart() {
        Map<String, String> settings = new HashMap<>(chatAndEmbedding());
        settings.put("gateway.models[1].type", "completion");

        assertThatThrownBy(() -> router(settings, List.of())).hasStackTraceContaining("completion");
    }

    @Test
    void eachModelCountsWithItsOwnTokenizerAndItsTargetsWithTheirModelsOne() {
        Map<String, String> settings = new HashMap<>(chatAndEmbedding());
        settings.put("gateway.models[0].tokenizer", "o200k_base");
        settings.put("gateway.models[2].id", "other-chat");
        settings.put("gateway.models[2].deployment", "mock");
        settings.put("gateway.models[0].fallbacks[0]", "other-chat");

        ModelRouter router = router(settings, List.of(LOCAL));

        Route chat = router.resolve("chat");
        assertThat(chat.tokenizer().tokenizer().name()).isEqualTo("o200k_base");
        assertThat(chat.targets())
                .allSatisfy(target -> assertThat(target.tokenizer()).isSameAs(chat.tokenizer()));
        Route fallback = router.resolve("other-chat");
        assertThat(fallback.tokenizer().tokenizer().name()).isEqualTo("cl100k_base");
        assertThat(fallback.targets().get(0).tokenizer()).isSameAs(fallback.tokenizer());
        assertThat(router.resolve("embed").tokenizer())
                .as("one cl100k_base for every model that names none")
                .isSameAs(fallback.tokenizer());
        assertThat(router.resolve("local-embed").tokenizer()).isSameAs(fallback.tokenizer());
    }

    @Test
    void aTokenizerThatIsNeitherAnEncodingNorAFileStopsTheStartNamingTheProperty() {
        Map<String, String> settings = new HashMap<>(chatAndEmbedding());
        settings.put("gateway.models[1].tokenizer", "llama3");

        assertThatThrownBy(() -> router(settings, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("gateway.models[1].tokenizer (model 'embed'): 'llama3' is neither a tiktoken encoding"
                        + " (known are r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base) nor a Hugging Face"
                        + " tokenizer.json file (a path ending in .json, or a file: URL)");
    }
}
