package io.llmgateway.app.tokens;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
@ConfigurationProperties("gateway.tokenizer")
public record TokenizerProperties(
        @DefaultValue("16384") int inlineChars,
        Integer threads,
        @DefaultValue("256") int queueCapacity,
        @DefaultValue("2") int maxPerKey) {

    public TokenizerProperties {
        if (inlineChars < 0 || queueCapacity < 1 || maxPerKey < 1 || threads != null && threads < 1) {
            throw new IllegalArgumentException("gateway.tokenizer: inline-chars must be >= 0 and threads,"
                    + " queue-capacity and max-per-key >= 1");
        }
    }

    /** The pool's threads: as configured, or half the cores (the other half serves requests). */
    public int poolThreads() {
        return threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
}
