/**
 * The provider SPI: a {@link io.llmgateway.core.provider.ChatProvider} per configured
 * {@link io.llmgateway.core.provider.Deployment}. Adapters implement it; the application routes to it.
 */
package io.llmgateway.core.provider;
