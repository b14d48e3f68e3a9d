package io.llmgateway.core.provider;

import org.jspecify.annotations.Nullable;

/**
 * A credential. Its {@link #toString()} never shows the value, so it is safe in logs and error messages;
 * only the adapter that sends it calls {@link #reveal()}.
 */
public final class Secret {

    /** No credential. */
    public static final Secret NONE = new Secret("");

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(@Nullable String value) {
        return value == null || value.isBlank() ? NONE : new Secret(value.strip());
    }

    public boolean isPresent() {
        return !value.isEmpty();
    }

    /** The credential itself, for the one header that carries it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return isPresent() ? "Secret[****]" : "Secret[none]";
    }
}
