package io.llmgateway.app.usage;

/** How a request that reached admission ended, as its usage record says. */
public enum UsageStatus {
    /** Answered in full. */
    OK("ok"),
    /** The upstream (or the gateway on its way to it) failed; billed for what was delivered. */
    UPSTREAM_ERROR("upstream_error"),
    /** The client went away (or the gateway shut down) before the end; billed for what was delivered. */
    CANCELLED("cancelled"),
    /** Refused by a rate limit, concurrency limit or budget; nothing billed. */
    REJECTED("rejected");

    private final String wireName;

    UsageStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
