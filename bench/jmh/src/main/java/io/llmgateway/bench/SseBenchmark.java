package io.llmgateway.bench;

import io.llmgateway.provider.openai.sse.SseEvent;
import io.llmgateway.provider.openai.sse.SseEventParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing an upstream's event stream: the fake upstream's 13 events and {@code [DONE]} of bench/run.sh's
 * streaming variant, fed as one network read, as the gateway's SSE parser sees them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseBenchmark {

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

    @Benchmark
    public List<SseEvent> parseStream() {
        SseEventParser parser = new SseEventParser();
        List<SseEvent> events = parser.feed(stream, 0, stream.length);
        parser.finish();
        return events;
    }
}
