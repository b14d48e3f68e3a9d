package io.llmgateway.testsupport;

import static io.llmgateway.testsupport.FakeUpstream.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.error.UpstreamException;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.Secret;
import io.llmgateway.core.provider.Timeouts;
import io.llmgateway.core.provider.UpstreamCall;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The behaviour every adapter of an HTTP upstream owes the gateway, run against a real fake upstream: JSON and
 * streamed completions, usage, the mapping of upstream failures, timeouts and cancellation. Each adapter's
 * tests extend this class and say how to build the adapter for a deployment.
 */
public abstract class ChatProviderContract extends UpstreamContract<ChatProvider> {

    @Override
    protected String upstreamModel() {
        return "upstream-model";
    }

    @Override
    protected String deploymentName() {
        return "dep-a";
    }

    protected UpstreamCall request(boolean stream) {
        return call("""
                {"model":"%s","messages":[{"role":"user","content":"hello"}],"temperature":0.5,
                 "vendor_knob":{"keep":"me"}%s}""".formatted(upstreamModel(), stream ? ",\"stream\":true" : ""));
    }

    /** A call with this JSON body, as the pipeline makes it. */
    public static UpstreamCall call(String json) {
        ObjectNode body = (ObjectNode) TestJson.mapper().readTree(json);
        return new UpstreamCall(TestJson.mapper().treeToValue(body, ChatCompletionRequest.class), body);
    }

    /** The answers read as completions, for assertions on their content. */
    public static Mono<ChatCompletion> completion(Mono<ScannedAnswer> answers) {
        return answers.map(answer -> TestJson.mapper().readValue(answer.json(), ChatCompletion.class));
    }

    /** The answers read as chunks, for assertions on their content. */
    public static Flux<ChatCompletionChunk> chunks(Flux<ScannedAnswer> answers) {
        return answers.map(answer -> TestJson.mapper().readValue(answer.json(), ChatCompletionChunk.class));
    }

    private static ChatMessage firstMessage(ChatCompletion completion) {
        return Objects.requireNonNull(
                Objects.requireNonNull(completion.choices(), "choices").get(0).message(), "message");
    }

    private static ChatCompletionChunk.Choice firstChoice(ChatCompletionChunk chunk) {
        return Objects.requireNonNull(chunk.choices(), "choices").get(0);
    }

    private static ChatMessage firstDelta(ChatCompletionChunk chunk) {
        return Objects.requireNonNull(firstChoice(chunk).delta(), "delta");
    }

    @Test
    void completesAJsonRequestAndSendsTheBodyWithTheGatewaysKey() {
        upstream.enqueue(Reply.json(200, OpenAiFixtures.completion(upstreamModel(), "hi there", 7, 2)));

        StepVerifier.create(completion(provider().complete(request(false))))
                .assertNext(completion -> {
                    assertThat(firstMessage(completion).text()).isEqualTo("hi there");
                    assertThat(Objects.requireNonNull(completion.usage(), "usage")
                                    .totalTokens())
                            .isEqualTo(9);
                    assertThat(completion.extra()).containsKey("x_upstream_extra");
                })
                .expectComplete()
                .verify(LIMIT);

        FakeUpstream.RecordedRequest received = upstream.lastRequest();
        assertThat(received.path()).isEqualTo("/v1/chat/completions");
        assertThat(received.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(received.header("content-type")).startsWith("application/json");
        assertThat(received.header("content-length"))
                .as("a sized body, not a chunked one")
                .isEqualTo(String.valueOf(received.body().getBytes(StandardCharsets.UTF_8).length));
        JsonNode body = TestJson.mapper().readTree(received.body());
        assertThat(body.path("vendor_knob").path("keep").stringValue()).isEqualTo("me");
        assertThat(body.path("temperature").doubleValue()).isEqualTo(0.5);
    }

    @Test
    void aSuccessWhoseBodyIsNotACompletionIsAnInvalidResponse() {
        for (String body : List.of(
                "{}",
                "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}",
                "{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}",
                "[1,2]",
                "\"text\"")) {
            upstream.enqueue(Reply.json(200, body));
            StepVerifier.create(completion(provider().complete(request(false))))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .as(body)
                            .isInstanceOf(UpstreamException.class)
                            .hasMessageContaining("invalid response"))
                    .verify(LIMIT);
        }
        upstream.enqueue(Reply.sse(Duration.ZERO, List.of("data: {\"id\":\"x\"}\n\n", OpenAiFixtures.DONE)));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("not a chat.completion.chunk"))
                .verify(LIMIT);
    }

    @Test
    void streamsChunksInOrderAndStopsAtDone() {
        upstream.enqueue(
                Reply.sse(Duration.ofMillis(5), OpenAiFixtures.stream(upstreamModel(), List.of("Hel", "lo"), true)));

        StepVerifier.create(chunks(provider().stream(request(true))))
                .assertNext(chunk -> assertThat(firstDelta(chunk).text()).isEqualTo("Hel"))
                .assertNext(chunk -> assertThat(firstDelta(chunk).text()).isEqualTo("lo"))
                .assertNext(
                        chunk -> assertThat(firstChoice(chunk).finishReason()).isEqualTo("stop"))
                .assertNext(chunk -> {
                    assertThat(chunk.isUsageOnly()).isTrue();
                    assertThat(Objects.requireNonNull(chunk.usage(), "usage").completionTokens())
                            .isEqualTo(2);
                })
                .expectComplete()
                .verify(LIMIT);
        assertThat(TestJson.mapper()
                        .readTree(upstream.lastRequest().body())
                        .path("stream")
                        .booleanValue())
                .isTrue();
    }

    @Test
    void survivesEventsSplitAcrossReadsCommentsCrLfAndNoDone() {
        String first = OpenAiFixtures.chunkEvent(upstreamModel(), 0, "A").replace("\n", "\r\n");
        String second = OpenAiFixtures.chunkEvent(upstreamModel(), 1, "B");
        upstream.enqueue(Reply.sse(
                Duration.ofMillis(20),
                List.of(
                        ": keep-alive comment\r\n\r\n",
                        first.substring(0, 17),
                        first.substring(17, first.length() - 3),
                        first.substring(first.length() - 3, first.length() - 1),
                        first.substring(first.length() - 1),
                        second.substring(0, 40),
                        second.substring(40))));

        StepVerifier.create(chunks(provider().stream(request(true)))
                        .map(c -> firstDelta(c).text()))
                .expectNext("A", "B")
                .expectComplete()
                .verify(LIMIT);
    }

    @Test
    void upstreamClientErrorsKeepTheirStatusAndMessage() {
        for (int status : new int[] {400, 404, 422}) {
            upstream.enqueue(Reply.json(
                    status,
                    "{\"error\":{\"message\":\"bad thing " + status + "\",\"type\":\"invalid_request_error\","
                            + "\"param\":\"messages\",\"code\":\"x\"}}"));
            StepVerifier.create(completion(provider().complete(request(false))))
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(UpstreamException.class);
                        UpstreamException upstreamError = (UpstreamException) error;
                        assertThat(upstreamError.status()).isEqualTo(status);
                        assertThat(upstreamError.getMessage()).isEqualTo("bad thing " + status);
                        assertThat(upstreamError.param()).isEqualTo("messages");
                        assertThat(upstreamError.isTransient()).isFalse();
                    })
                    .verify(LIMIT);
        }
    }

    @Test
    void problemDetailsOfNvidiaAreRead() {
        upstream.enqueue(Reply.json(
                422,
                "{\"type\":\"about:blank\",\"status\":422,\"title\":\"Unprocessable "
                        + "Entity\",\"detail\":\"max_tokens must be at most 4096\"}"));
        StepVerifier.create(completion(provider().complete(request(false))))
                .expectErrorSatisfies(
                        error -> assertThat(error.getMessage()).isEqualTo("max_tokens must be at most 4096"))
                .verify(LIMIT);
    }

    @Test
    void rateLimitStays429WithRetryAfter() {
        upstream.enqueue(Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "7")));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectErrorSatisfies(error -> {
                    UpstreamException upstreamError = (UpstreamException) error;
                    assertThat(upstreamError.status()).isEqualTo(429);
                    assertThat(upstreamError.retryAfter()).contains(Duration.ofSeconds(7));
                    assertThat(upstreamError.isTransient()).isTrue();
                })
                .verify(LIMIT);
    }

    @Test
    void serverErrorsAndBadCredentialsBecome502() {
        upstream.enqueue(
                Reply.json(503, "{\"error\":{\"message\":\"overloaded\"}}"),
                Reply.json(401, "{\"error\":{\"message\":\"invalid key sk-upstream-test-key\"}}"));
        StepVerifier.create(completion(provider().complete(request(false))))
                .expectErrorSatisfies(error -> {
                    assertThat(((UpstreamException) error).status()).isEqualTo(502);
                    assertThat(((UpstreamException) error).upstreamStatus()).isEqualTo(503);
                })
                .verify(LIMIT);
        StepVerifier.create(completion(provider().complete(request(false))))
                .expectErrorSatisfies(error -> {
                    assertThat(((UpstreamException) error).status()).isEqualTo(502);
                    assertThat(error.getMessage()).doesNotContain(KEY).contains("credentials");
                })
                .verify(LIMIT);
    }

    @Test
    void anUnreachableUpstreamIs502() {
        Deployment deployment = new Deployment(
                "dep-down",
                "openai",
                URI.create("http://127.0.0.1:1/v1"),
                Secret.of(KEY),
                upstreamModel(),
                Timeouts.DEFAULTS);
        StepVerifier.create(completion(create(deployment).complete(request(false))))
                .expectErrorSatisfies(error -> {
                    assertThat(((UpstreamException) error).status()).isEqualTo(502);
                    assertThat(((UpstreamException) error).isTransient()).isTrue();
                })
                .verify(LIMIT);
    }

    @Test
    void anUpstreamSilentBeforeTheFirstByteTimesOutAs504() {
        upstream.enqueue(Reply.hang(), Reply.hang());
        Timeouts fast = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(5));
        StepVerifier.create(chunks(create(deployment(fast)).stream(request(true))))
                .expectErrorSatisfies(error -> {
                    assertThat(((UpstreamException) error).status()).isEqualTo(504);
                    assertThat(error.getMessage()).contains("first-byte");
                })
                .verify(LIMIT);
        StepVerifier.create(completion(create(deployment(fast)).complete(request(false))))
                .expectErrorSatisfies(error ->
                        assertThat(((UpstreamException) error).status()).isEqualTo(504))
                .verify(LIMIT);
    }

    @Test
    void anUpstreamSilentBetweenChunksTimesOutAs504() {
        Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300));
        upstream.enqueue(Reply.sseThenHang(List.of(OpenAiFixtures.chunkEvent(upstreamModel(), 0, "x"))));
        StepVerifier.create(chunks(create(deployment(timeouts)).stream(request(true))))
                .expectNextCount(1)
                .expectErrorSatisfies(error -> {
                    assertThat(((UpstreamException) error).status()).isEqualTo(504);
                    assertThat(error.getMessage()).contains("between-chunks");
                })
                .verify(LIMIT);
    }

    @Test
    void anErrorEventInsideTheStreamIsAnError() {
        upstream.enqueue(Reply.sse(
                Duration.ZERO,
                List.of(
                        OpenAiFixtures.chunkEvent(upstreamModel(), 0, "A"),
                        "data: {\"error\":{\"message\":\"model crashed\",\"code\":\"engine_error\"}}\n\n")));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectNextCount(1)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(UpstreamException.class);
                    assertThat(error.getMessage()).isEqualTo("model crashed");
                })
                .verify(LIMIT);
    }

    @Test
    void anEventNamedErrorIsAnErrorWhateverItsShape() {
        upstream.enqueue(Reply.sse(
                Duration.ZERO,
                List.of(
                        OpenAiFixtures.chunkEvent(upstreamModel(), 0, "A"),
                        "event: error\ndata: {\"detail\":\"engine overloaded\"}\n\n")));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectNextCount(1)
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(UpstreamException.class);
                    assertThat(error.getMessage()).isEqualTo("engine overloaded");
                })
                .verify(LIMIT);
    }

    @Test
    void eventsThatAreNotJsonOrNotChunksAreInvalidResponses() {
        upstream.enqueue(Reply.sse(Duration.ZERO, List.of("data: {not json\n\n")));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(UpstreamException.class);
                    assertThat(((UpstreamException) error).code()).isEqualTo("upstream_invalid_response");
                    assertThat(error.getMessage()).endsWith("an event's data is not JSON");
                })
                .verify(LIMIT);
        upstream.enqueue(Reply.sse(Duration.ZERO, List.of("data: {\"choices\":\"all of them\"}\n\n")));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(UpstreamException.class);
                    assertThat(error.getMessage()).endsWith("an event is not a chat.completion.chunk");
                })
                .verify(LIMIT);
    }

    @Test
    void aConnectionResetMidStreamIsAnErrorAfterTheChunksAlreadySent() {
        upstream.enqueue(
                Reply.sseThenReset(Duration.ofMillis(10), List.of(OpenAiFixtures.chunkEvent(upstreamModel(), 0, "A"))));
        StepVerifier.create(chunks(provider().stream(request(true))))
                .expectNextCount(1)
                .expectError(UpstreamException.class)
                .verify(LIMIT);
    }

    @Test
    void cancellingTheStreamClosesTheUpstreamConnectionWithinASecond() throws InterruptedException {
        upstream.enqueue(Reply.sseForever(
                Duration.ofMillis(50), i -> OpenAiFixtures.chunkEvent(upstreamModel(), i.intValue(), "tick")));
        CountDownLatch received = new CountDownLatch(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Disposable subscription =
                provider().stream(request(true)).subscribe(chunk -> received.countDown(), failure::set);
        assertThat(FakeUpstream.await(received, LIMIT)).as("two chunks arrive").isTrue();
        CountDownLatch disconnected = upstream.nextDisconnect();

        subscription.dispose();

        assertThat(FakeUpstream.await(disconnected, Duration.ofSeconds(1)))
                .as("the upstream sees its connection closed within a second")
                .isTrue();
        assertThat(failure.get()).isNull();
    }
}
