package io.llmgateway.bench;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.provider.openai.sse.SseEvent;
import io.llmgateway.provider.openai.sse.SseEventParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parsing an upstream's event stream: the fake upstream's 13 events and {@code [DONE]} of bench/run.sh's
 * streaming variant, fed as one network read, as the gateway's SSE parser sees them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseBenchmark {

    private final JsonMapper json = GatewayJson.newMapper();
    private byte[] stream;

    @Setup
    public void setUp() {
        StringBuilder events = new StringBuilder();
        events.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
        for (int i = 0; i < 9; i++) {
            events.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word").append(i).append(" \"}}]}\n\n");
        }
        events.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events.append("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":9,\"total_tokens\":23}}\n\n");
        events.append("data: [DONE]\n\n");
        stream = events.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The whole stream as the OpenAI adapter reads it: parsed, then each event's chunk read from its bytes. */
    @Benchmark
    public int readChunks() {
        return readEachChunk(event -> json.readValue(event.utf8Data(), ChatCompletionChunk.class));
    }

    /** The same, with each event's data decoded to text first, as the adapter did before 2026-11-22 (session 6). */
    @Benchmark
    public int readChunksViaText() {
        return readEachChunk(event -> json.readValue(event.data(), ChatCompletionChunk.class));
    }

    private int readEachChunk(Function<SseEvent, ChatCompletionChunk> read) {
        int choices = 0;
        for (SseEvent event : parseStream()) {
            if (!event.isDone()) {
                choices += read.apply(event).choices().size();
            }
        }
        return choices;
    }

    @Benchmark
    public List<SseEvent> parseStream() {
        SseEventParser parser = new SseEventParser();
        List<SseEvent> events = parser.feed(stream, 0, stream.length);
        parser.finish();
        return events;
    }
}
