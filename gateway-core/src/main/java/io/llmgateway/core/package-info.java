/**
 * The contract every gateway module speaks. Free of Spring: OpenAI wire records ({@code protocol}),
 * the provider SPI ({@code provider}), gateway errors ({@code error}), token counting ({@code tokens})
 * and the one JSON configuration all of them share ({@code json}).
 */
package io.llmgateway.core;
