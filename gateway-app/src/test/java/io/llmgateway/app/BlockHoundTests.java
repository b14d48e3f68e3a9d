package io.llmgateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** BlockHound is installed for the whole suite (by blockhound-junit-platform): blocking on a reactor thread fails. */
class BlockHoundTests {

    @Test
    void blockingOnANonBlockingThreadIsReported() {
        StepVerifier.create(Mono.fromCallable(() -> {
                            Thread.sleep(1);
                            return "slept";
                        })
                        .subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(error ->
                        assertThat(error.getClass().getName()).isEqualTo("reactor.blockhound.BlockingOperationError"))
                .verify(Duration.ofSeconds(5));
    }
}
