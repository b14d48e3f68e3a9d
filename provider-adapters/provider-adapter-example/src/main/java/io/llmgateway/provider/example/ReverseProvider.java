package io.llmgateway.provider.example;

import io.llmgateway.core.answer.AnswerScanner;
import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import io.llmgateway.core.provider.UpstreamCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers with the last user message reversed, after the deployment's prefix; counts a token per word. Embeds a
 * text as its length and its number of words.
 */
final class ReverseProvider implements ChatProvider, EmbeddingProvider {

    private final Deployment deployment;
    private final ReverseSettings settings;
    private final AnswerScanner scanner;

    ReverseProvider(Deployment deployment, ReverseSettings settings, JsonMapper json) {
        this.deployment = deployment;
        this.settings = settings;
        this.scanner = new AnswerScanner(json);
    }

    @Override
    public Mono<ScannedAnswer> complete(UpstreamCall call) {
        return Mono.fromSupplier(() -> {
            Answer answer = answer(call);
            return scan(
                    "{\"id\":\"rev-1\",\"object\":\"chat.completion\",\"created\":0,\"model\":" + quote(call.model())
                            + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                            + quote(answer.text()) + "},\"finish_reason\":\"stop\"}]," + answer.usage() + "}");
        });
    }

    @Override
    public Flux<ScannedAnswer> stream(UpstreamCall call) {
        return Flux.defer(() -> {
            Answer answer = answer(call);
            String head = "{\"id\":\"rev-1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":"
                    + quote(call.model()) + ",\"choices\":";
            List<ScannedAnswer> chunks = new ArrayList<>();
            chunks.add(scan(head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":" + quote(answer.text())
                    + "},\"finish_reason\":null}]}"));
            chunks.add(scan(head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
            if (call.includeUsage()) {
                chunks.add(scan(head + "[]," + answer.usage() + "}"));
            }
            return Flux.fromIterable(chunks);
        });
    }

    @Override
    public Mono<EmbeddingResult> embed(EmbeddingRequest request) {
        return Mono.fromSupplier(() -> {
            List<float[]> vectors = new ArrayList<>();
            int words = 0;
            for (String text : request.input()) {
                int count = words(text);
                words += count;
                vectors.add(new float[] {text.length(), count});
            }
            return new EmbeddingResult(vectors, words);
        });
    }

    private Answer answer(UpstreamCall call) {
        String prompt = "";
        for (JsonNode message : call.body().path("messages")) {
            if ("user".equals(message.path("role").asString(""))) {
                prompt = message.path("content").asString("");
            }
        }
        String text = settings.prefix() + new StringBuilder(prompt).reverse();
        return new Answer(text, words(prompt), words(text));
    }

    private static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        JsonStringEncoder.getInstance().quoteAsString(text, quoted);
        return quoted.append('"').toString();
    }

    private ScannedAnswer scan(String json) {
        return scanner.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "reverse deployment " + deployment.name();
    }

    private record Answer(String text, int promptTokens, int completionTokens) {

        String usage() {
            return "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                    + ",\"total_tokens\":" + (promptTokens + completionTokens) + "}";
        }
    }
}
