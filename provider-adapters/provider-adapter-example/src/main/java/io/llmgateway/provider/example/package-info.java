/**
 * A provider type that lives only in tests ({@code reverse}: the last user message reversed). It shows the whole of
 * what an adapter module contributes: a {@link io.llmgateway.core.provider.ProviderType}, its settings record and an
 * auto-configuration listed in {@code META-INF/spring/...AutoConfiguration.imports}. Depends only on
 * {@code gateway-core}.
 */
@NullMarked
package io.llmgateway.provider.example;

import org.jspecify.annotations.NullMarked;
