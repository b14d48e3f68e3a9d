package io.llmgateway.core.provider;

/**
 * A kind of provider deployment: the value of {@code gateway.deployments.<name>.type}. An adapter module contributes
 * one as a bean through its own auto-configuration; the gateway looks the type up by {@link #name()} and knows no
 * adapter by name.
 *
 * <p>A type's own settings are a record of {@link #settingsType()}, bound from
 * {@code gateway.deployments.<name>.<type name>} (e.g. {@code gateway.deployments.local.mock.chunk-delay}); a
 * deployment that sets none gets {@link #defaultSettings()}.
 *
 * @param <S> the type's settings
 */
public interface ProviderType<S> {

    /** The name in configuration, e.g. {@code openai}: lowercase letters, digits and '-'. */
    String name();

    /** The record the type's own settings bind to. */
    Class<S> settingsType();

    /** The settings of a deployment that configures none. */
    S defaultSettings();

    /**
     * The chat and embedding providers of one deployment, built once at start-up.
     *
     * @throws IllegalStateException when the deployment cannot work as configured (no base URL where one is needed),
     *     with a message that names the setting
     */
    DeploymentProviders create(Deployment deployment, S settings);

    /**
     * Whether a stream of this type reports its usage without being asked ({@code stream_options.include_usage}),
     * whatever the deployment's {@code stream-usage} says; true for in-process types that count for themselves.
     */
    default boolean reportsStreamUsageUnasked() {
        return false;
    }

    /** A type that has no settings of its own. */
    interface WithoutSettings extends ProviderType<NoSettings> {

        @Override
        default Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        default NoSettings defaultSettings() {
            return NoSettings.INSTANCE;
        }
    }

    /** The settings of a type that has none of its own. */
    record NoSettings() {

        public static final NoSettings INSTANCE = new NoSettings();
    }
}
