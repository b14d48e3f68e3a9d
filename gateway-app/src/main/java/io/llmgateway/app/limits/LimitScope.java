package io.llmgateway.app.limits;

/** What a set of limits applies to: a whole project, or one key of it. */
public enum LimitScope {
    PROJECT("project"),
    KEY("key"),
    /** The most a project's owners may set as its limits: kept by the admin API, never charged. */
    CAP("cap");

    private final String wireName;

    LimitScope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
