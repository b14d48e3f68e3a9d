package io.llmgateway.provider.openai.sse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SseDecoderTests {

    private static DataBuffer read(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsOfAnySizeOneAfterAnotherGiveEveryEventWhole() {
        String large = "x".repeat(20_000);
        Flux<String> data = SseDecoder.decode(Flux.just(
                        read("data: small\n\ndata: spl"),
                        read("it\n\ndata: " + large + "\n\n"),
                        read("data: after the large one\n\n"),
                        read("data: [DONE]\n\n")))
                .map(SseEvent::data);
        StepVerifier.create(data)
                .expectNext("small", "split", large, "after the large one", "[DONE]")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
