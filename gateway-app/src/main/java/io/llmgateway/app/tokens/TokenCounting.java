package io.llmgateway.app.tokens;

import io.llmgateway.core.error.GatewayException;
import io.llmgateway.core.protocol.ChatMessage;
import io.llmgateway.core.tokens.TokenCounter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Counts tokens with a model's counter without holding up anyone else: a short text (up to {@code inline-chars}) is
 * counted where the request runs, a longer one on the tokenizer's bounded pool, and each key may have at most
 * {@code max-per-key} large counts at once. Every counter is linear in the text ({@link TokenCounter}), whatever the
 * model's tokenizer, and the text is bounded by the request body's limit, so every count is bounded work.
 */
public class TokenCounting implements AutoCloseable {

    private final TokenizerProperties properties;
    private final Scheduler pool;
    private final ConcurrentHashMap<String, AtomicInteger> largePerKey = new ConcurrentHashMap<>();

    public TokenCounting(TokenizerProperties properties) {
        this.properties = properties;
        this.pool = Schedulers.newBoundedElastic(
                properties.poolThreads(), properties.queueCapacity(), "tokenizer", 60, true);
    }

    /** The tokens of a prompt, as {@link TokenCounter#countPrompt} counts them. */
    public Mono<Integer> countPrompt(
            TokenCounter counter, @Nullable String keyId, @Nullable List<ChatMessage> messages) {
        return count(keyId, TokenCounter.promptLength(messages), () -> counter.countPrompt(messages));
    }

    /** The tokens of several texts together (e.g. an embedding request's inputs). */
    public Mono<Integer> countAll(TokenCounter counter, @Nullable String keyId, List<String> texts) {
        long length = texts.stream().mapToLong(String::length).sum();
        return count(keyId, length, () -> {
            long tokens = 0;
            for (String text : texts) {
                tokens += counter.count(text);
            }
            return (int) Math.min(Integer.MAX_VALUE, tokens);
        });
    }

    /** The tokens of one text that is not a client's to repeat at will (e.g. a completion delivered). */
    public Mono<Integer> count(TokenCounter counter, String text) {
        return count(null, text.length(), () -> counter.count(text));
    }

    private Mono<Integer> count(@Nullable String keyId, long length, IntSupplier work) {
        if (length <= properties.inlineChars()) {
            return Mono.fromSupplier(work::getAsInt);
        }
        return Mono.defer(() -> {
            AtomicInteger mine = keyId == null ? null : largePerKey.computeIfAbsent(keyId, k -> new AtomicInteger());
            if (mine != null && mine.incrementAndGet() > properties.maxPerKey()) {
                release(Objects.requireNonNull(keyId, "keyId"), mine);
                return Mono.error(GatewayException.throttled(
                        "This key has " + properties.maxPerKey()
                                + " large requests being prepared already; send the next when one of them has been"
                                + " answered.",
                        "too_many_large_requests",
                        Duration.ofSeconds(1)));
            }
            return Mono.fromSupplier(work::getAsInt)
                    .subscribeOn(pool)
                    .onErrorMap(
                            RejectedExecutionException.class,
                            busy -> GatewayException.unavailable(
                                    "The gateway's tokenizer is at capacity; retry shortly.",
                                    "tokenizer_busy",
                                    Duration.ofSeconds(1)))
                    .doFinally(signal -> {
                        if (mine != null) {
                            // a counter is taken for a key only
                            release(Objects.requireNonNull(keyId, "keyId"), mine);
                        }
                    });
        });
    }

    private void release(String keyId, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            largePerKey.remove(keyId, count);
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
