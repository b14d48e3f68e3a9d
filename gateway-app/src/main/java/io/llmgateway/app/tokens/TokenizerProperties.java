package io.llmgateway.app.tokens;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where and how much the gateway tokenizes. Short texts are counted where the request is (microseconds); longer ones
 * on a small pool of their own, so that one client's large prompts never hold up an event loop or another client.
 *
 * @param inlineChars   texts up to this many characters are counted on the request's thread (default 16384, about
 *                      a millisecond of work)
 * @param threads       threads of the tokenizer pool (default: half the cores, at least one)
 * @param queueCapacity counts the pool queues before it answers 503 {@code tokenizer_busy} (default 256)
 * @param maxPerKey     large counts one key may have queued or running at once; beyond, 429
 *                      {@code too_many_large_requests} (default 2)
 */
@Validated
@ConfigurationProperties("gateway.tokenizer")
public record TokenizerProperties(
        @DefaultValue("16384") @Min(0) int inlineChars,
        @Min(1) Integer threads,
        @DefaultValue("256") @Min(1) int queueCapacity,
        @DefaultValue("2") @Min(1) int maxPerKey) {

    /** The pool's threads: as configured, or half the cores (the other half serves requests). */
    public int poolThreads() {
        return threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
}
