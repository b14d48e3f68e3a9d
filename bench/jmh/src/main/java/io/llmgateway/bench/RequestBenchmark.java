package io.llmgateway.bench;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON work of one non-streamed request, with the benchmark's own bodies (bench/run.sh's request and the fake
 * upstream's answer): reading the client's request into the typed record, writing it for the upstream, reading
 * the upstream's answer, writing it for the client, and counting the prompt's tokens (done for admission).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestBenchmark {

    private static final byte[] REQUEST = ("{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say hello in one short sentence.\"}],\"max_tokens\":32}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":"
            + "1700000000,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello! How can I help you today?\"},\"finish_reason\":\"stop\"}],\"usage\":"
            + "{\"prompt_tokens\":14,\"completion_tokens\":9,\"total_tokens\":23}}").getBytes(StandardCharsets.UTF_8);

    private JsonMapper json;
    private TokenCounter tokens;
    private ChatCompletionRequest request;
    private ChatCompletion answer;

    @Setup
    public void setUp() {
        json = GatewayJson.newMapper();
        tokens = TokenCounter.cl100k();
        request = json.readValue(REQUEST, ChatCompletionRequest.class);
        answer = json.readValue(ANSWER, ChatCompletion.class);
    }

    @Benchmark
    public ChatCompletionRequest readRequest() {
        return json.readValue(REQUEST, ChatCompletionRequest.class);
    }

    @Benchmark
    public byte[] writeRequest() {
        return json.writeValueAsBytes(request);
    }

    @Benchmark
    public ChatCompletion readAnswer() {
        return json.readValue(ANSWER, ChatCompletion.class);
    }

    @Benchmark
    public byte[] writeAnswer() {
        return json.writeValueAsBytes(answer);
    }

    @Benchmark
    public int countPromptTokens() {
        return tokens.countPrompt(request.messages());
    }
}
