package io.llmgateway.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.llmgateway.app.GatewayInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unchanged, drives the gateway (here in front of the built-in mock model). */
class OpenAiSdkIT {

    private static GatewayInstance gateway;
    private static OpenAIClient openai;
    private static OpenAIClient personal;

    @BeforeAll
    static void start() {
        gateway = GatewayInstance.start(Map.of(
                "gateway.models[0].id",
                "mock-echo",
                "gateway.models[0].deployment",
                "mock",
                "gateway.models[1].id",
                "mock-echo-2",
                "gateway.models[1].deployment",
                "mock"));
        gateway.admin().project("sdk", List.of("mock-echo"));
        gateway.admin().project("other", null);
        gateway.admin().user("sdk-user", "sdk");
        String serviceKey = gateway.admin().serviceKey("sdk").path("key").stringValue();
        openai = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(serviceKey)
                .putHeader("X-User-Id", "sdk-end-user")
                .maxRetries(0)
                .build();
        personal = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(gateway.admin().token("sdk-user").path("key").stringValue())
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        personal.close();
        gateway.close();
    }

    private static ChatCompletionCreateParams.Builder params(String text) {
        return ChatCompletionCreateParams.builder().model("mock-echo").addUserMessage(text);
    }

    @Test
    void aPlainCompletionWithUsage() {
        ChatCompletion completion =
                openai.chat().completions().create(params("Hello from the SDK").build());

        assertThat(completion.model()).isEqualTo("mock-echo");
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).contains("Hello from the SDK");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.completionTokens()).isEqualTo(4);
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    @Test
    void aStreamedCompletionWithTheUsageChunk() {
        ChatCompletionCreateParams request = params("Streaming through the gateway works")
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder text = new StringBuilder();
        List<CompletionUsage> usages = new ArrayList<>();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream =
                openai.chat().completions().createStreaming(request)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                assertThat(chunk.model()).isEqualTo("mock-echo");
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(usages::add);
            }
        }
        assertThat(text.toString()).isEqualTo("Streaming through the gateway works");
        assertThat(chunks).isGreaterThan(3);
        assertThat(usages).hasSize(1);
        assertThat(usages.get(0).completionTokens()).isEqualTo(5);
    }

    @Test
    void errorsArriveAsTheSdksTypedExceptions() {
        assertThatThrownBy(() -> openai.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("x")
                                .build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-model");
        assertThatThrownBy(() -> openai.chat()
                        .completions()
                        .create(params("x")
                                .putAdditionalBodyProperty("temperature", JsonValue.from("hot"))
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("temperature");
    }

    @Test
    void aPersonalAccessTokenNeedsNoHeaders() {
        ChatCompletion completion =
                personal.chat().completions().create(params("Personal token").build());
        assertThat(completion.choices().get(0).message().content()).contains("Personal token");
    }

    @Test
    void aBadKeyIsAnAuthenticationExceptionAndAForbiddenProjectAPermissionDeniedException() {
        OpenAIClient wrongKey = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey("gws_not-a-real-key")
                .maxRetries(0)
                .build();
        try {
            assertThatThrownBy(() ->
                            wrongKey.chat().completions().create(params("x").build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            wrongKey.close();
        }
        // the user is not a member of project "other"
        OpenAIClient otherProject = personal.withOptions(options -> options.putHeader("X-Project-Id", "other"));
        assertThatThrownBy(() ->
                        otherProject.chat().completions().create(params("x").build()))
                .isInstanceOf(PermissionDeniedException.class);
        // project "sdk" may use only mock-echo
        assertThatThrownBy(() -> openai.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("mock-echo-2")
                                .addUserMessage("x")
                                .build()))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void modelsAreListed() {
        assertThat(openai.models().list().data())
                .extracting(model -> model.id())
                .contains("mock-echo");
    }
}
