package io.llmgateway.provider.openai.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SseDecoderTests {

    private static ByteBuf read(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void readsOfAnySizeOneAfterAnotherGiveEveryEventWhole() {
        String large = "x".repeat(20_000);
        List<ByteBuf> reads = List.of(
                read("data: small\n\ndata: spl"),
                read("it\n\ndata: " + large + "\n\n"),
                read("data: after the large one\n\n"),
                read("data: [DONE]\n\n"));
        Flux<String> data = SseDecoder.decode(Flux.fromIterable(reads)).map(SseEvent::data);
        StepVerifier.create(data)
                .expectNext("small", "split", large, "after the large one", "[DONE]")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reads).as("the reads stay their publisher's").allMatch(read -> read.refCnt() == 1);
    }

    @Test
    void aReadIsCopiedWhileItIsDeliveredSoItsPublisherMayReuseItAtOnce() {
        // one buffer, overwritten after each delivery, as a network read that is released and reused
        ByteBuf shared = Unpooled.buffer(64);
        Flux<ByteBuf> reads = Flux.just("data: fir", "st\n\n", "data: second\n\n")
                .hide()
                .map(text -> shared.clear().writeBytes(text.getBytes(StandardCharsets.UTF_8)));
        StepVerifier.create(SseDecoder.decode(reads).map(SseEvent::data), 0)
                .thenRequest(1)
                .expectNext("first")
                .thenRequest(1)
                .expectNext("second")
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }
}
