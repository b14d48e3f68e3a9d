/**
 * The contract every gateway module speaks: the OpenAI wire records ({@code protocol}), the provider SPI
 * ({@code provider}), upstream answers read and edited as bytes ({@code answer}), the gateway's errors ({@code error}),
 * the parameter-profile engine ({@code profile}), token counting ({@code tokens}) and the one JSON configuration with
 * the guard of request bodies ({@code json}). This package itself holds no class.
 *
 * <p>Nothing in {@code io.llmgateway.core..} may depend on Spring or on another module of the gateway (the app, the
 * adapters, {@code auth}, {@code rag}); {@code ArchitectureTests} checks it. Its only libraries are Jackson, Reactor
 * and jtokkit.
 */
@NullMarked
package io.llmgateway.core;

import org.jspecify.annotations.NullMarked;
