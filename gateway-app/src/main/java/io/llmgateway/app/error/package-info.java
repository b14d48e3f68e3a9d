/**
 * Every failure as OpenAI's error body, in one place: {@link ErrorMapper} turns any exception into a
 * {@code GatewayException}, {@link OpenAiErrorWebExceptionHandler} writes it ahead of Spring Boot's own handler, and
 * {@link MalformedRequests} answers in the same shape what Netty's decoder refuses before WebFlux sees it.
 * {@link ErrorConfiguration} wires them, and Spring Security's firewall rejections too.
 */
@NullMarked
package io.llmgateway.app.error;

import org.jspecify.annotations.NullMarked;
