package io.llmgateway.auth.key;

/** The three kinds of key, each with its own prefix so that secret scanners and people can tell them apart. */
public enum KeyKind {
    /** Personal access token: belongs to a user. */
    PAT("gwp_", "pat"),
    /** Service key: belongs to a project; the caller names the end user in {@code X-User-Id}. */
    SERVICE("gws_", "service"),
    /** Admin token: manages everything under {@code /admin/v1}. */
    ADMIN("gwa_", "admin");

    private final String prefix;
    private final String storedName;

    KeyKind(String prefix, String storedName) {
        this.prefix = prefix;
        this.storedName = storedName;
    }

    public String prefix() {
        return prefix;
    }

    /** The name in the database and in JSON. */
    public String storedName() {
        return storedName;
    }

    public static KeyKind fromStoredName(String name) {
        for (KeyKind kind : values()) {
            if (kind.storedName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown key kind " + name);
    }
}
