package io.llmgateway.provider.mock;

import com.knuddels.jtokkit.api.IntArrayList;
import io.llmgateway.core.answer.AnswerScanner;
import io.llmgateway.core.answer.ScannedAnswer;
import io.llmgateway.core.protocol.ChatCompletion;
import io.llmgateway.core.protocol.ChatCompletionChunk;
import io.llmgateway.core.protocol.ChatCompletionRequest;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.protocol.Usage;
import io.llmgateway.core.provider.ChatProvider;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.UpstreamCall;
import io.llmgateway.core.tokens.TiktokenTokenizer;
import io.llmgateway.core.tokens.TokenCounter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * A deterministic in-process model: it answers with the text of the last {@code user} message, streamed one
 * token at a time, and reports the token counts of a real tokenizer ({@code cl100k_base}).
 *
 * <p>It honours {@code n} (identical choices), {@code max_tokens} / {@code max_completion_tokens} (the answer is
 * cut and ends with {@code finish_reason: length}) and {@code stream_options.include_usage}. Like a real model it
 * has an output limit, {@value #MAX_ANSWER_TOKENS} tokens, and it works on a long prompt off the caller's thread,
 * as a remote model would.
 */
public final class MockChatProvider implements ChatProvider {

    /** The most tokens one answer has; a longer text is cut and ends with {@code finish_reason: length}. */
    public static final int MAX_ANSWER_TOKENS = 16_384;
    /** Characters of the text that can hold {@link #MAX_ANSWER_TOKENS} tokens (no token is longer than this). */
    private static final int MAX_ANSWER_CHARS = MAX_ANSWER_TOKENS * 64;
    /** Prompts up to this many characters are answered on the caller's thread (a millisecond of work). */
    private static final long INLINE_PROMPT_CHARS = 16_384;

    private final Deployment deployment;
    private final TiktokenTokenizer encoding;
    private final TokenCounter tokens;
    private final MockOptions options;
    /** Writes the answers as an upstream would: the gateway's mapper. */
    private final JsonMapper json;

    private final AnswerScanner scanner;

    /**
     * A mock model whose tokens are those of {@code encoding} (the gateway gives it {@code cl100k_base}), writing its
     * answers with {@code json}.
     */
    public MockChatProvider(Deployment deployment, TiktokenTokenizer encoding, MockOptions options, JsonMapper json) {
        this.deployment = deployment;
        this.encoding = encoding;
        this.tokens = new TokenCounter(encoding);
        this.options = options;
        this.json = json;
        this.scanner = new AnswerScanner(json);
    }

    @Override
    public Mono<ScannedAnswer> complete(UpstreamCall call) {
        ChatCompletionRequest request = call.request();
        Mono<ScannedAnswer> completion = Mono.fromSupplier(() -> {
            Answer answer = answer(request);
            List<ChatCompletion.Choice> choices = IntStream.range(0, choices(request))
                    .mapToObj(i -> new ChatCompletion.Choice(
                            i,
                            ChatMessage.of("assistant", answer.text()),
                            answer.finishReason(),
                            null,
                            new LinkedHashMap<>()))
                    .toList();
            return wire(new ChatCompletion(
                    id(request),
                    ChatCompletion.OBJECT,
                    Instant.now().getEpochSecond(),
                    call.model(),
                    choices,
                    answer.usage(choices.size()),
                    "fp_mock",
                    null,
                    new LinkedHashMap<>()));
        });
        return isLong(request) ? completion.subscribeOn(Schedulers.boundedElastic()) : completion;
    }

    @Override
    public Flux<ScannedAnswer> stream(UpstreamCall call) {
        ChatCompletionRequest request = call.request().withModel(call.model());
        Flux<ScannedAnswer> stream = Flux.defer(() -> {
            Answer answer = answer(request);
            int n = choices(request);
            String id = id(request);
            long created = Instant.now().getEpochSecond();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                chunks.add(chunk(
                        id,
                        created,
                        request,
                        i,
                        new ChatMessage(
                                "assistant",
                                StringNode.valueOf(""),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                new LinkedHashMap<>()),
                        null));
            }
            for (String piece : answer.pieces()) {
                for (int i = 0; i < n; i++) {
                    chunks.add(chunk(id, created, request, i, ChatMessage.of(null, piece), null));
                }
            }
            for (int i = 0; i < n; i++) {
                chunks.add(chunk(
                        id,
                        created,
                        request,
                        i,
                        new ChatMessage(null, null, null, null, null, null, null, null, new LinkedHashMap<>()),
                        answer.finishReason()));
            }
            if (call.includeUsage()) {
                chunks.add(new ChatCompletionChunk(
                        id,
                        ChatCompletionChunk.OBJECT,
                        created,
                        request.model(),
                        List.of(),
                        answer.usage(n),
                        "fp_mock",
                        null,
                        new LinkedHashMap<>()));
            }
            Flux<ScannedAnswer> flux = Flux.fromIterable(chunks).map(this::wire);
            return options.chunkDelay().isZero() ? flux : flux.delayElements(options.chunkDelay());
        });
        return isLong(request) ? stream.subscribeOn(Schedulers.boundedElastic()) : stream;
    }

    /** The answer as an upstream would send it: its JSON bytes. */
    private ScannedAnswer wire(Object answer) {
        return scanner.scan(json.writeValueAsBytes(answer));
    }

    private static boolean isLong(ChatCompletionRequest request) {
        return TokenCounter.promptLength(request.messages()) > INLINE_PROMPT_CHARS;
    }

    private static ChatCompletionChunk chunk(
            String id,
            long created,
            ChatCompletionRequest request,
            int index,
            ChatMessage delta,
            @Nullable String finishReason) {
        return new ChatCompletionChunk(
                id,
                ChatCompletionChunk.OBJECT,
                created,
                request.model(),
                List.of(new ChatCompletionChunk.Choice(index, delta, finishReason, null, new LinkedHashMap<>())),
                null,
                "fp_mock",
                null,
                new LinkedHashMap<>());
    }

    private static int choices(ChatCompletionRequest request) {
        return request.n() == null || request.n() < 1 ? 1 : request.n();
    }

    private String id(ChatCompletionRequest request) {
        return "chatcmpl-mock-"
                + Integer.toHexString(
                        request.messages() == null ? 0 : request.messages().hashCode());
    }

    private Answer answer(ChatCompletionRequest request) {
        String text = lastUserText(request.messages());
        boolean tooLong = text.length() > MAX_ANSWER_CHARS;
        if (tooLong) {
            int end = MAX_ANSWER_CHARS;
            text = text.substring(0, Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end);
        }
        IntArrayList ids = encoding.encode(text);
        Integer requested = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        int limit = requested != null && requested >= 0 ? Math.min(requested, MAX_ANSWER_TOKENS) : MAX_ANSWER_TOKENS;
        boolean cut = tooLong || ids.size() > limit;
        int count = Math.min(limit, ids.size());
        List<String> pieces = pieces(ids, count);
        String answer = String.join("", pieces);
        return new Answer(answer, pieces, cut ? "length" : "stop", tokens.countPrompt(request.messages()), count);
    }

    private static String lastUserText(@Nullable List<ChatMessage> messages) {
        if (messages != null) {
            for (int i = messages.size() - 1; i >= 0; i--) {
                if ("user".equals(messages.get(i).role())) {
                    return messages.get(i).text();
                }
            }
        }
        return "";
    }

    /** Token texts in order; a token that ends inside a multi-byte character is joined with the next. */
    private List<String> pieces(IntArrayList ids, int count) {
        List<String> pieces = new ArrayList<>(count);
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        for (int i = 0; i < count; i++) {
            pending.writeBytes(encoding.bytesOf(ids.get(i)));
            try {
                pieces.add(utf8.decode(ByteBuffer.wrap(pending.toByteArray())).toString());
                pending.reset();
            } catch (CharacterCodingException incomplete) {
                // keep the bytes until the character is complete
            }
        }
        if (pending.size() > 0) {
            pieces.add(pending.toString(StandardCharsets.UTF_8));
        }
        return pieces;
    }

    private record Answer(
            String text, List<String> pieces, String finishReason, int promptTokens, int completionTokensPerChoice) {

        Usage usage(int choices) {
            return Usage.of(promptTokens, completionTokensPerChoice * choices);
        }
    }

    @Override
    public String toString() {
        return "MockChatProvider[" + deployment.name() + "]";
    }
}
