package io.llmgateway.app.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.app.config.RoutingProperties;
import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.profile.RequestProfiler;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.testsupport.TestJson;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The profiles as shipped in {@code gateway-profiles.yml}, edge by edge: just inside and just outside every range,
 * every default, every message rule, drop versus reject, {@code max_completion_tokens} over {@code max_tokens},
 * and the context-length check.
 */
class ShippedProfilesTests {

    private static final JsonMapper JSON = TestJson.mapper();
    private static ProfileRegistry profiles;
    private static RequestProfiler profiler;

    @BeforeAll
    static void loadShippedProfiles() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader()
                .load("profiles", new ClassPathResource("gateway-profiles.yml"))
                .forEach(source -> environment.getPropertySources().addLast(source));
        Map<String, ProfileSettings> properties = new Binder(ConfigurationPropertySources.get(environment))
                .bind("gateway", RoutingProperties.class)
                .get()
                .profiles();
        profiles = new ProfileRegistry(properties, JSON);
        profiler = new RequestProfiler(JSON);
    }

    private static final TokenCounter TOKENIZER = TokenCounter.cl100k();
    private static final String USER = "[{\"role\":\"user\",\"content\":\"hello\"}]";

    private static RequestProfiler.Profiled apply(String profile, String fields, Integer contextLength) {
        return apply(profile, USER, fields, contextLength);
    }

    /** The profile applied, then, with a context length, the prompt counted and checked as the gateway does. */
    private static RequestProfiler.Profiled apply(String profile, String messages, String fields, Integer context) {
        String body = "{\"model\":\"m\",\"messages\":" + messages + (fields.isEmpty() ? "" : "," + fields) + "}";
        ObjectNode tree = (ObjectNode) JSON.readTree(body);
        RequestProfiler.Profiled profiled = profiler.apply(
                JSON.treeToValue(tree, ChatCompletionRequest.class), tree, profiles.get(profile), Map.of(), context);
        if (context != null) {
            RequestProfiler.checkPromptFits(
                    profiled.request(), TOKENIZER.countPrompt(profiled.request().messages()), context);
        }
        return profiled;
    }

    private static JsonNode sent(RequestProfiler.Profiled profiled) {
        return JSON.valueToTree(profiled.request());
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                // profile, field, just inside, just outside
                Arguments.of("nim-phi", "temperature", "1", "1.0001"),
                Arguments.of("nim-phi", "temperature", "0", "-0.0001"),
                Arguments.of("nim-phi", "top_p", "1", "1.01"),
                Arguments.of("nim-phi", "top_p", "0", "-0.01"),
                Arguments.of("nim-phi", "max_tokens", "4096", "4097"),
                Arguments.of("nim-phi", "max_tokens", "1", "0"),
                Arguments.of("nim-mistral", "temperature", "1", "1.01"),
                Arguments.of("nim-mistral", "temperature", "0", "-0.01"),
                Arguments.of("nim-mistral", "top_p", "1", "1.5"),
                Arguments.of("nim-mistral", "max_tokens", "1", "0"),
                Arguments.of("nim-mistral", "frequency_penalty", "2", "2.01"),
                Arguments.of("nim-mistral", "frequency_penalty", "-2", "-2.01"),
                Arguments.of("nim-mistral", "presence_penalty", "2", "2.5"),
                Arguments.of("nim-mistral", "presence_penalty", "-2", "-3"),
                Arguments.of("octo", "top_p", "1", "1.1"),
                Arguments.of("octo", "min_p", "1", "1.2"),
                Arguments.of("octo", "n", "1", "0"),
                Arguments.of("octo", "max_tokens", "1", "0"),
                Arguments.of("rag-platform", "temperature", "0.001", "0.0009"),
                Arguments.of("rag-platform", "top_p", "0.001", "0"),
                Arguments.of("rag-platform", "n", "1", "0"),
                Arguments.of("rag-platform", "max_tokens", "1", "0"));
    }

    @ParameterizedTest(name = "{0} {1}: {2} accepted, {3} refused")
    @MethodSource("ranges")
    void rangeEdges(String profile, String field, String inside, String outside) {
        assertThat(sent(apply(profile, "\"" + field + "\":" + inside, null))
                        .path(field)
                        .doubleValue())
                .isEqualTo(Double.parseDouble(inside));
        assertThatThrownBy(() -> apply(profile, "\"" + field + "\":" + outside, null))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> {
                    assertThat(((InvalidRequestException) e).param()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(outside);
                    assertThat(((InvalidRequestException) e).status()).isEqualTo(400);
                });
    }

    static Stream<Arguments> defaults() {
        return Stream.of(
                Arguments.of("nim-phi", Map.of("temperature", 0.2, "top_p", 0.7, "max_tokens", 1024.0)),
                Arguments.of(
                        "nim-mistral",
                        Map.of(
                                "temperature",
                                0.3,
                                "top_p",
                                1.0,
                                "max_tokens",
                                1024.0,
                                "frequency_penalty",
                                0.0,
                                "presence_penalty",
                                0.0,
                                "seed",
                                0.0)),
                Arguments.of(
                        "octo",
                        Map.of(
                                "max_tokens",
                                512.0,
                                "temperature",
                                1.0,
                                "top_p",
                                1.0,
                                "min_p",
                                0.0,
                                "repetition_penalty",
                                1.0,
                                "n",
                                1.0,
                                "frequency_penalty",
                                0.0,
                                "presence_penalty",
                                0.0)),
                Arguments.of("rag-platform", Map.of("temperature", 0.2, "top_p", 0.6, "max_tokens", 2048.0, "n", 1.0)));
    }

    @ParameterizedTest(name = "{0} fills its defaults")
    @MethodSource("defaults")
    void defaultsFillWhatTheRequestLeftOut(String profile, Map<String, Double> expected) {
        JsonNode sent = sent(apply(profile, "", null));
        expected.forEach((field, value) ->
                assertThat(sent.path(field).doubleValue()).as(field).isEqualTo(value));
        JsonNode explicit = sent(apply(profile, "\"temperature\":0.5", null));
        assertThat(explicit.path("temperature").doubleValue())
                .as("the request wins")
                .isEqualTo(0.5);
    }

    @Test
    void routeDefaultsSitBetweenTheRequestAndTheProfile() {
        ObjectNode tree = (ObjectNode) JSON.readTree("{\"model\":\"m\",\"messages\":" + USER + "}");
        ChatCompletionRequest request = JSON.treeToValue(tree, ChatCompletionRequest.class);
        JsonNode sent = JSON.valueToTree(profiler.apply(
                        request, tree, profiles.get("nim-phi"), Map.of("temperature", JSON.readTree("0.9")), null)
                .request());
        assertThat(sent.path("temperature").doubleValue()).isEqualTo(0.9);
        assertThat(sent.path("top_p").doubleValue()).isEqualTo(0.7);
    }

    static Stream<Arguments> phiMessageOrders() {
        return Stream.of(
                Arguments.of(
                        "[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"context\",\"content\":\"c\"},"
                                + "{\"role\":\"user\",\"content\":\"q\"}]",
                        null),
                Arguments.of(
                        "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"},"
                                + "{\"role\":\"user\",\"content\":\"q2\"}]",
                        null),
                Arguments.of(
                        "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"system\",\"content\":\"s\"},"
                                + "{\"role\":\"user\",\"content\":\"q2\"}]",
                        "messages[1].role"),
                Arguments.of(
                        "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"context\",\"content\":\"c\"},"
                                + "{\"role\":\"user\",\"content\":\"q2\"}]",
                        "messages[1].role"),
                Arguments.of(
                        "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"user\",\"content\":\"q2\"}]",
                        "messages[1].role"),
                Arguments.of(
                        "[{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"q\"}]",
                        "messages[0].role"),
                Arguments.of(
                        "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]",
                        "messages[1].role"),
                Arguments.of(
                        "[{\"role\":\"tool\",\"content\":\"t\"},{\"role\":\"user\",\"content\":\"q\"}]",
                        "messages[0].role"));
    }

    @ParameterizedTest(name = "phi message order {index}: error at {1}")
    @MethodSource("phiMessageOrders")
    void phiMessageRules(String messages, String errorParam) {
        if (errorParam == null) {
            assertThat(apply("nim-phi", messages, "", null).request().messages())
                    .isNotEmpty();
        } else {
            assertThatThrownBy(() -> apply("nim-phi", messages, "", null))
                    .isInstanceOf(InvalidRequestException.class)
                    .extracting(e -> ((InvalidRequestException) e).param())
                    .isEqualTo(errorParam);
        }
    }

    @Test
    void unsupportedParametersAreRefusedOrDroppedAsTheProfileSays() {
        assertThatThrownBy(() -> apply("nim-phi", "\"n\":2", null))
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("n");
        RequestProfiler.Profiled phi = apply("nim-phi", "\"user\":\"u\",\"vendor_knob\":1", null);
        assertThat(phi.dropped()).containsExactly("user");
        assertThat(sent(phi).has("user")).isFalse();
        assertThat(sent(phi).path("vendor_knob").intValue())
                .as("unknown fields pass")
                .isEqualTo(1);

        RequestProfiler.Profiled rag = apply("rag-platform", "\"min_p\":0.5,\"seed\":3,\"chat_id\":\"c1\"", null);
        assertThat(rag.dropped()).containsExactlyInAnyOrder("min_p", "seed");
        assertThat(sent(rag).path("chat_id").stringValue()).isEqualTo("c1");
        assertThat(apply("nim-phi", "\"bad\":[\"Foo\",\"bar\"],\"stop\":\"END\",\"seed\":7", null)
                        .dropped())
                .isEmpty();
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensOnTheRagPlatform() {
        JsonNode sent = sent(apply("rag-platform", "\"max_tokens\":100,\"max_completion_tokens\":40", null));
        assertThat(sent.path("max_tokens").intValue()).isEqualTo(40);
        assertThat(sent.path("max_completion_tokens").intValue()).isEqualTo(40);
        assertThat(sent(apply("rag-platform", "\"max_completion_tokens\":40", null))
                        .has("max_tokens"))
                .as("no default max_tokens under an explicit max_completion_tokens")
                .isFalse();
    }

    @Test
    void octoRules() {
        assertThat(sent(apply("octo", "\"logprobs\":true,\"top_logprobs\":20", null))
                        .path("top_logprobs")
                        .intValue())
                .isEqualTo(20);
        assertThatThrownBy(() -> apply("octo", "\"logprobs\":true,\"top_logprobs\":21", null))
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("top_logprobs");
        assertThatThrownBy(() -> apply("octo", "\"top_logprobs\":2", null)).hasMessageContaining("requires 'logprobs'");
        assertThat(sent(apply("octo", "\"logit_bias\":{\"50256\":-100,\"1\":100}", null))
                        .path("logit_bias")
                        .size())
                .isEqualTo(2);
        assertThatThrownBy(() -> apply("octo", "\"logit_bias\":{\"50256\":-100.5}", null))
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("logit_bias");
        String tool = "{\"type\":\"function\",\"function\":{\"name\":\"f%d\"}}";
        String tools128 = String.join(
                ",",
                Stream.iterate(0, i -> i + 1).limit(128).map(tool::formatted).toList());
        assertThat(apply("octo", "\"tools\":[" + tools128 + "]", null).request().tools())
                .hasSize(128);
        assertThatThrownBy(() -> apply("octo", "\"tools\":[" + tools128 + "," + tool.formatted(128) + "]", null))
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("tools");
        assertThat(apply(
                                "octo",
                                "\"tools\":[" + tool.formatted(1) + "],\"tool_choice\":{\"type\":\"function\","
                                        + "\"function\":{\"name\":\"f1\"}}",
                                null)
                        .request()
                        .toolChoice()
                        .functionName())
                .isEqualTo("f1");
        assertThatThrownBy(() -> apply(
                        "octo",
                        "\"tools\":[" + tool.formatted(1) + "],\"tool_choice\":{\"type\":"
                                + "\"function\",\"function\":{\"name\":\"nope\"}}",
                        null))
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("tool_choice");
        assertThat(apply(
                                "octo",
                                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\","
                                        + "\"schema\":{\"type\":\"object\"}}},\"ignore_eos\":true,\"peft\":\"a1\",\"loglikelihood\":true,"
                                        + "\"log_prompt\":false,\"repetition_penalty\":1.2",
                                null)
                        .dropped())
                .isEmpty();
    }

    static Stream<Arguments> ragParams() {
        return Stream.of(
                Arguments.of(
                        "{\"vector_store_ids\":[\"vs_1\"],\"max_num_results\":20,\"score_threshold\":1,"
                                + "\"include_sources\":true,\"filters\":{\"type\":\"and\",\"filters\":[{\"type\":\"eq\","
                                + "\"key\":\"team\",\"value\":\"finance\"},{\"type\":\"gte\",\"key\":\"year\",\"value\":2024}]}}",
                        null),
                Arguments.of("null", null),
                Arguments.of("{}", "rag_params.vector_store_ids"),
                Arguments.of(
                        "{\"vector_store_ids\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}",
                        "rag_params.vector_store_ids"),
                Arguments.of("{\"vector_store_ids\":[\"vs\"],\"max_num_results\":21}", "rag_params.max_num_results"),
                Arguments.of("{\"vector_store_ids\":[\"vs\"],\"max_num_results\":0}", "rag_params.max_num_results"),
                Arguments.of("{\"vector_store_ids\":[\"vs\"],\"score_threshold\":1.1}", "rag_params.score_threshold"),
                // the filter grammar is the retriever's (ChatRetrievalTests); the shape only wants an object
                Arguments.of("{\"vector_store_ids\":[\"vs\"],\"filters\":\"team=finance\"}", "rag_params.filters"),
                Arguments.of("{\"vector_store_ids\":[\"vs\"],\"filters\":[{\"type\":\"eq\"}]}", "rag_params.filters"),
                Arguments.of("{\"vector_store_ids\":[\"vs\"],\"top_k\":3}", "rag_params.top_k"),
                Arguments.of("\"vs_1\"", "rag_params"));
    }

    @ParameterizedTest(name = "rag_params {index}: error at {1}")
    @MethodSource("ragParams")
    void ragParamsAreValidatedForShape(String rag, String errorParam) {
        if (errorParam == null) {
            assertThat(apply("rag-platform", "\"rag_params\":" + rag, null).dropped())
                    .isEmpty();
        } else {
            assertThatThrownBy(() -> apply("rag-platform", "\"rag_params\":" + rag, null))
                    .isInstanceOf(InvalidRequestException.class)
                    .extracting(e -> ((InvalidRequestException) e).param())
                    .isEqualTo(errorParam);
        }
    }

    @Test
    void maxTokensIsCheckedAgainstTheContextLengthWithTheTokenizer() {
        assertThat(apply("nim-mistral", "\"max_tokens\":100", 4096).request().maxTokens())
                .isEqualTo(100);
        assertThatThrownBy(() -> apply("nim-mistral", "\"max_tokens\":4095", 4096))
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("max_tokens");
        String longPrompt = "[{\"role\":\"user\",\"content\":\"" + "word ".repeat(300) + "\"}]";
        assertThat(apply("nim-mistral", longPrompt, "\"max_tokens\":100", 512)
                        .request()
                        .maxTokens())
                .isEqualTo(100);
        assertThatThrownBy(() -> apply("nim-mistral", longPrompt, "\"max_tokens\":300", 512))
                .hasMessageContaining("context length of 512");
        assertThatThrownBy(() -> apply("rag-platform", longPrompt, "", 2048))
                .as("the default max_tokens of 2048 does not fit either")
                .extracting(e -> ((InvalidRequestException) e).param())
                .isEqualTo("max_tokens");
    }
}
