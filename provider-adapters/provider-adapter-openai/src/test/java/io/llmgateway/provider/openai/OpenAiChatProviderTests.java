package io.llmgateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.testsupport.ChatProviderContract;
import io.llmgateway.testsupport.FakeUpstream.Reply;
import io.llmgateway.testsupport.OpenAiFixtures;
import io.llmgateway.testsupport.TestJson;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The OpenAI-compatible adapter against the shared adapter contract, and the limit on an answer's size. */
class OpenAiChatProviderTests extends ChatProviderContract {

    private final OpenAiProviderFactory factory =
            new OpenAiProviderFactory(TestJson.mapper(), OpenAiProviderFactory.PoolSettings.DEFAULTS);

    @Override
    protected ChatProvider create(Deployment deployment) {
        return factory.create(deployment);
    }

    private ChatProvider withAnswersUpTo(int bytes) {
        return withLimits(bytes, Math.min(bytes, 1024 * 1024));
    }

    private ChatProvider withLimits(int answerBytes, int eventBytes) {
        OpenAiProviderFactory small = new OpenAiProviderFactory(
                TestJson.mapper(),
                new OpenAiProviderFactory.PoolSettings(10, Duration.ofSeconds(30), answerBytes, eventBytes));
        return small.create(deployment(Timeouts.DEFAULTS));
    }

    @Test
    void aStreamedLineWithNoEndFailsAtTheEventLimitInsteadOfGrowingWithoutBound() {
        // 16 KB pieces of one line that never ends, for as long as the client reads
        String piece = "x".repeat(16 * 1024);
        upstream.enqueue(Reply.sseForever(Duration.ofMillis(5), i -> i == 0 ? "data: {\"a\":\"" + piece : piece));
        StepVerifier.create(chunks(withLimits(16 * 1024 * 1024, 64 * 1024).stream(request(true))))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("longer than 65536 bytes"))
                .verify(LIMIT);
    }

    @Test
    void aStreamLongerThanTheAnswerLimitFailsThoughEachEventIsSmall() {
        upstream.enqueue(Reply.sseForever(
                Duration.ofMillis(5), i -> OpenAiFixtures.chunkEvent(upstreamModel(), i.intValue(), "y".repeat(1000))));
        StepVerifier.create(chunks(withLimits(64 * 1024, 4096).stream(request(true))))
                .thenConsumeWhile(chunk -> true)
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("event stream is longer than 65536 bytes"))
                .verify(LIMIT);
    }

    @Test
    void anAnswerLargerThanTheLimitIsAnInvalidResponseWhetherItsLengthWasAnnouncedOrNot() {
        String completion = OpenAiFixtures.completion(upstreamModel(), "x".repeat(500), 7, 2);
        upstream.enqueue(Reply.json(200, completion));
        StepVerifier.create(completion(withAnswersUpTo(400).complete(request(false))))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("larger than 400 bytes"))
                .verify(LIMIT);

        // no Content-Length: the body arrives in pieces, and the limit is found while it is read
        upstream.enqueue(
                Reply.sse(Duration.ofMillis(5), List.of(completion.substring(0, 300), completion.substring(300))));
        StepVerifier.create(completion(withAnswersUpTo(400).complete(request(false))))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("larger than 400 bytes"))
                .verify(LIMIT);
    }

    @Test
    void anAnswerUpToTheLimitIsReadWhole() {
        String completion = OpenAiFixtures.completion(upstreamModel(), "y".repeat(500), 7, 2);
        upstream.enqueue(
                Reply.sse(Duration.ofMillis(5), List.of(completion.substring(0, 300), completion.substring(300))));
        StepVerifier.create(completion(withAnswersUpTo(completion.length()).complete(request(false))))
                .assertNext(answer ->
                        assertThat(answer.choices().get(0).message().text()).isEqualTo("y".repeat(500)))
                .expectComplete()
                .verify(LIMIT);
    }

    @Test
    void anErrorStatusKeepsItsStatusWhenItsBodyIsTooLargeToRead() {
        upstream.enqueue(Reply.json(429, "{\"error\":{\"message\":\"" + "z".repeat(600) + "\"}}"));
        StepVerifier.create(completion(withAnswersUpTo(100).complete(request(false))))
                .expectErrorSatisfies(error ->
                        assertThat(((UpstreamException) error).status()).isEqualTo(429))
                .verify(LIMIT);
    }
}
