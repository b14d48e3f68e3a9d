package io.llmgateway.app.limits;

/** The kinds of counter a scope's limits make. */
enum LimitKind {
    REQUESTS_PER_MINUTE("rpm", "requests per minute"),
    TOKENS_PER_MINUTE("tpm", "tokens per minute"),
    CONCURRENT_REQUESTS("conc", "concurrent requests"),
    TOKEN_BUDGET("tokens", "tokens per %s"),
    COST_BUDGET("cost", "US dollars per %s");

    final String keyPart;
    final String description;

    LimitKind(String keyPart, String description) {
        this.keyPart = keyPart;
        this.description = description;
    }
}
