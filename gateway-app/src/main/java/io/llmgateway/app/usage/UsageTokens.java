package io.llmgateway.app.usage;

import org.jspecify.annotations.Nullable;

/**
 * The tokens a request is billed, and where the counts come from.
 *
 * @param prompt     prompt tokens, cached ones included
 * @param completion completion tokens
 * @param cached     prompt tokens the upstream served from its cache, when it reports them
 * @param source     the upstream's counts, the tokenizer's, or none (nothing reached a model)
 */
public record UsageTokens(
        int prompt, int completion, @Nullable Integer cached, TokenSource source) {

    /** Nothing billed: no model worked on the request. */
    public static final UsageTokens NONE = new UsageTokens(0, 0, null, TokenSource.NONE);

    public int total() {
        return prompt + completion;
    }

    public int cachedOrZero() {
        return cached == null ? 0 : cached;
    }
}
