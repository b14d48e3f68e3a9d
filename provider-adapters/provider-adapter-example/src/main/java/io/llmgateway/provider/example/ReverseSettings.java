package io.llmgateway.provider.example;

/**
 * Settings of a {@code reverse} deployment.
 *
 * @param prefix put before every answer (default none)
 */
public record ReverseSettings(String prefix) {

    public static final ReverseSettings DEFAULTS = new ReverseSettings("");

    public ReverseSettings {
        prefix = prefix == null ? "" : prefix;
    }
}
