package io.llmgateway.app.usage;

/** Where the token counts of a usage record come from. */
public enum TokenSource {
    /** The upstream's own {@code usage}. */
    UPSTREAM("upstream"),
    /** Counted by the gateway with a real tokenizer over what was sent and delivered. */
    TOKENIZER("tokenizer"),
    /** Nothing was sent upstream (a rejected request). */
    NONE("none");

    private final String wireName;

    TokenSource(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
