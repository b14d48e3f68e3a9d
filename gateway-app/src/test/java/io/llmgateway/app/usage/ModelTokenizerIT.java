package io.llmgateway.app.usage;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.app.GatewayInstance;
import io.llmgateway.app.tokens.TinyTokenizers;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.core.tokens.TokenCounter;
import io.llmgateway.testsupport.FakeUpstream;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model configured with its own tokenizer is counted with it, through the real HTTP surface: an upstream that
 * reports no usage is billed what that model's tokenizer counts (here a tiny word-level tokenizer.json, whose counts
 * are far from {@code cl100k_base}'s), for a JSON answer, a stream the client cut short, an embedding request and an
 * answer from a fallback model; and a setting that names no tokenizer stops the start.
 */
class ModelTokenizerIT {

    private static final JsonMapper JSON = TestJson.mapper();
    private static final TokenCounter CL100K = TokenCounter.cl100k();
    private static final String USER = "tokenizer-it-user";

    @TempDir
    static Path dir;

    private static FakeUpstream upstream;
    private static FakeUpstream broken;
    private static GatewayInstance gateway;
    private static Ledger ledger;
    private static String key;
    private WebTestClient client;

    @BeforeAll
    static void start() {
        Path tokenizer = TinyTokenizers.wordLevel(dir);
        upstream = FakeUpstream.start();
        broken = FakeUpstream.start();
        gateway = GatewayInstance.start(Map.ofEntries(
                // an upstream that reports no usage, on JSON answers or streams
                entry("gateway.deployments.plain.base-url", upstream.baseUrl()),
                entry("gateway.deployments.plain.stream-usage", "false"),
                entry("gateway.deployments.broken.base-url", broken.baseUrl()),
                entry("gateway.models[0].id", "word-model"),
                entry("gateway.models[0].deployment", "plain"),
                entry("gateway.models[0].tokenizer", tokenizer.toString()),
                entry("gateway.models[1].id", "word-model-by-url"),
                entry("gateway.models[1].deployment", "plain"),
                entry("gateway.models[1].tokenizer", "file:" + tokenizer),
                entry("gateway.models[2].id", "o200k-model"),
                entry("gateway.models[2].deployment", "plain"),
                entry("gateway.models[2].tokenizer", "o200k_base"),
                entry("gateway.models[3].id", "word-embedder"),
                entry("gateway.models[3].type", "embedding"),
                entry("gateway.models[3].deployment", "plain"),
                entry("gateway.models[3].tokenizer", tokenizer.toString()),
                // counted with cl100k_base, but served by word-model when its own deployment fails
                entry("gateway.models[4].id", "falls-back"),
                entry("gateway.models[4].deployment", "broken"),
                entry("gateway.models[4].fallbacks[0]", "word-model")));
        ledger = new Ledger(gateway.database());
        gateway.admin().project("tokenizers", null);
        key = gateway.admin().serviceKey("tokenizers").path("key").stringValue();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        broken.close();
    }

    @BeforeEach
    void setUp() {
        upstream.reset();
        broken.reset();
        client = gateway.client(key).mutate().defaultHeader("X-User-Id", USER).build();
    }

    /** The word-level tokenizer's count of a prompt: its words, with the same framing as every tokenizer's. */
    private static int wordLevelPrompt(List<ChatMessage> messages) {
        int tokens = 3;
        for (ChatMessage message : messages) {
            tokens += 3 + TinyTokenizers.wordLevelCount(message.role()) + TinyTokenizers.wordLevelCount(message.text());
        }
        return tokens;
    }

    private static String messages(List<ChatMessage> messages) {
        return "["
                + String.join(
                        ",",
                        messages.stream()
                                .map(message -> "{\"role\":\"" + message.role() + "\",\"content\":"
                                        + JSON.writeValueAsString(message.text()) + "}")
                                .toList())
                + "]";
    }

    private static String completionWithoutUsage(String model, String text) {
        return "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + JSON.writeValueAsString(text) + "},\"finish_reason\":\"stop\"}]}";
    }

    private EntityExchangeResult<byte[]> post(String uri, String body) {
        return client.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectBody(byte[].class)
                .returnResult();
    }

    private static String requestId(EntityExchangeResult<?> result) {
        return result.getResponseHeaders().getFirst("x-request-id");
    }

    @Test
    void aJsonAnswerWithoutUsageIsCountedWithTheModelsTokenizer() {
        String answer = "Antidisestablishmentarianism, naturally!";
        upstream.enqueue(Reply.json(200, completionWithoutUsage("word-model", answer)));
        List<ChatMessage> prompt = List.of(
                ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "Summarize internationalization considerations, please."));

        EntityExchangeResult<byte[]> result =
                post("/v1/chat/completions", "{\"model\":\"word-model\",\"messages\":" + messages(prompt) + "}");

        assertThat(result.getStatus().value()).isEqualTo(200);
        int promptTokens = wordLevelPrompt(prompt);
        int completionTokens = TinyTokenizers.wordLevelCount(answer);
        assertThat(promptTokens).isEqualTo(3 + (3 + 1 + 3) + (3 + 1 + 6));
        assertThat(completionTokens).isEqualTo(4);
        assertThat(promptTokens).as("cl100k_base would count otherwise").isNotEqualTo(CL100K.countPrompt(prompt));
        assertThat(completionTokens).isNotEqualTo(CL100K.count(answer));
        JsonNode usage = JSON.readTree(result.getResponseBody()).path("usage");
        assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(promptTokens);
        assertThat(usage.path("completion_tokens").intValue()).isEqualTo(completionTokens);
        assertThat(ledger.record(requestId(result)))
                .containsEntry("model", "word-model")
                .containsEntry("prompt_tokens", promptTokens)
                .containsEntry("completion_tokens", completionTokens)
                .containsEntry("token_source", "tokenizer")
                .containsEntry("status", "ok");
    }

    @Test
    void aStreamTheClientCutShortIsBilledWhatTheModelsTokenizerCountsOfWhatWasDelivered() {
        upstream.enqueue(Reply.sseThenHang(List.of(
                OpenAiFixtures.chunkEvent("word-model-by-url", 0, "Internationalization"),
                OpenAiFixtures.chunkEvent("word-model-by-url", 1, " notwithstanding,"),
                OpenAiFixtures.chunkEvent("word-model-by-url", 2, " naturally"))));
        CountDownLatch sawAll = new CountDownLatch(1);
        StringBuilder received = new StringBuilder();
        Disposable stream = HttpClient.create()
                .headers(headers -> headers.add(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .add(HttpHeaderNames.AUTHORIZATION, "Bearer " + key)
                        .add("X-User-Id", USER))
                .post()
                .uri(gateway.baseUrl() + "/v1/chat/completions")
                .send(ByteBufMono.fromString(Mono.just("{\"model\":\"word-model-by-url\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Pontificate extemporaneously\"}]}")))
                .responseContent()
                .asString()
                .subscribe(
                        text -> {
                            received.append(text);
                            if (received.toString().contains("naturally")) {
                                sawAll.countDown();
                            }
                        },
                        error -> {});
        assertThat(FakeUpstream.await(sawAll, Duration.ofSeconds(5))).isTrue();

        stream.dispose();

        ledger.awaitCount(
                "SELECT count(*) FROM usage_records WHERE model = 'word-model-by-url'", 1, Duration.ofSeconds(10));
        Map<String, Object> record = ledger.query("SELECT * FROM usage_records WHERE model = 'word-model-by-url'")
                .get(0);
        List<ChatMessage> prompt = List.of(ChatMessage.of("user", "Pontificate extemporaneously"));
        String delivered = "Internationalization notwithstanding, naturally";
        assertThat(wordLevelPrompt(prompt)).isEqualTo(3 + 3 + 1 + 2).isNotEqualTo(CL100K.countPrompt(prompt));
        assertThat(TinyTokenizers.wordLevelCount(delivered)).isEqualTo(4).isNotEqualTo(CL100K.count(delivered));
        assertThat(record)
                .containsEntry("status", "cancelled")
                .containsEntry("token_source", "tokenizer")
                .containsEntry("prompt_tokens", wordLevelPrompt(prompt))
                .containsEntry("completion_tokens", TinyTokenizers.wordLevelCount(delivered));
    }

    @Test
    void aModelNamingATiktokenEncodingIsCountedWithThatEncoding() {
        String answer = "Привет! Как дела? 你好，世界。";
        upstream.enqueue(Reply.json(200, completionWithoutUsage("o200k-model", answer)));
        List<ChatMessage> prompt = List.of(ChatMessage.of("user", "Поздоровайся по-русски и по-китайски"));

        EntityExchangeResult<byte[]> result =
                post("/v1/chat/completions", "{\"model\":\"o200k-model\",\"messages\":" + messages(prompt) + "}");

        TokenCounter o200k = new TokenCounter(TiktokenTokenizer.named("o200k_base"));
        assertThat(o200k.countPrompt(prompt)).isNotEqualTo(CL100K.countPrompt(prompt));
        assertThat(o200k.count(answer)).isNotEqualTo(CL100K.count(answer));
        assertThat(ledger.record(requestId(result)))
                .containsEntry("token_source", "tokenizer")
                .containsEntry("prompt_tokens", o200k.countPrompt(prompt))
                .containsEntry("completion_tokens", o200k.count(answer));
    }

    @Test
    void embeddingsWithoutUsageAreCountedWithTheModelsTokenizer() {
        upstream.enqueue(Reply.json(200, """
                {"object":"list","model":"word-embedder","data":[
                  {"object":"embedding","index":0,"embedding":[0.6,0.8]},
                  {"object":"embedding","index":1,"embedding":[1.0,0.0]}]}"""));
        List<String> input = List.of("Internationalization, naturally.", "Hello");

        EntityExchangeResult<byte[]> result = post(
                "/v1/embeddings", "{\"model\":\"word-embedder\",\"input\":" + JSON.writeValueAsString(input) + "}");

        assertThat(result.getStatus().value()).isEqualTo(200);
        int tokens = TinyTokenizers.wordLevelCount(input.get(0)) + TinyTokenizers.wordLevelCount(input.get(1));
        assertThat(tokens).isEqualTo(5).isNotEqualTo(CL100K.count(input.get(0)) + CL100K.count(input.get(1)));
        assertThat(JSON.readTree(result.getResponseBody())
                        .path("usage")
                        .path("prompt_tokens")
                        .intValue())
                .isEqualTo(tokens);
        assertThat(ledger.record(requestId(result)))
                .containsEntry("model", "word-embedder")
                .containsEntry("prompt_tokens", tokens)
                .containsEntry("token_source", "tokenizer");
    }

    @Test
    void anAnswerFromAFallbackModelIsCountedWithTheFallbacksTokenizer() {
        broken.fallback(request -> Reply.json(500, "{\"error\":{\"message\":\"down\"}}"));
        String answer = "Extraordinarily, unquestionably fine.";
        upstream.enqueue(Reply.json(200, completionWithoutUsage("word-model", answer)));
        List<ChatMessage> prompt = List.of(ChatMessage.of("user", "Characterize incomprehensibilities"));

        EntityExchangeResult<byte[]> result =
                post("/v1/chat/completions", "{\"model\":\"falls-back\",\"messages\":" + messages(prompt) + "}");

        assertThat(result.getStatus().value()).isEqualTo(200);
        assertThat(broken.requests()).isNotEmpty();
        assertThat(upstream.requests()).hasSize(1);
        assertThat(wordLevelPrompt(prompt)).isNotEqualTo(CL100K.countPrompt(prompt));
        assertThat(TinyTokenizers.wordLevelCount(answer)).isNotEqualTo(CL100K.count(answer));
        assertThat(ledger.record(requestId(result)))
                .containsEntry("model", "falls-back")
                .containsEntry("deployment", "plain")
                .containsEntry("token_source", "tokenizer")
                .containsEntry("prompt_tokens", wordLevelPrompt(prompt))
                .containsEntry("completion_tokens", TinyTokenizers.wordLevelCount(answer));
    }

    @Test
    void aTokenizerSettingThatNamesNoTokenizerStopsTheStartNamingTheProperty() throws Exception {
        Path notATokenizer = Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 32000}");

        assertThatThrownBy(() -> GatewayInstance.start(Map.of(
                        "gateway.models[0].id",
                        "llama",
                        "gateway.models[0].deployment",
                        "mock",
                        "gateway.models[0].tokenizer",
                        "llama-3.1")))
                .hasStackTraceContaining("gateway.models[0].tokenizer (model 'llama'): 'llama-3.1' is neither a"
                        + " tiktoken encoding (known are r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base)"
                        + " nor a Hugging Face tokenizer.json file (a path ending in .json, or a file: URL)");
        assertThatThrownBy(() -> GatewayInstance.start(Map.of(
                        "gateway.models[0].id",
                        "llama",
                        "gateway.models[0].deployment",
                        "mock",
                        "gateway.models[0].tokenizer",
                        notATokenizer.toString())))
                .hasStackTraceContaining("gateway.models[0].tokenizer (model 'llama'): " + notATokenizer
                        + " is not a Hugging Face tokenizer.json");
    }
}
