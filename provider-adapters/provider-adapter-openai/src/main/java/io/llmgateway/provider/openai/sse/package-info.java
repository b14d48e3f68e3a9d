/**
 * Server-sent events as bytes arrive: {@link SseDecoder} turns a response body into {@link SseEvent}s without buffering
 * the stream, {@link SseEventParser} follows the WHATWG framing incrementally, and {@link SseTooLargeException} ends a
 * stream whose line or event passes its limit. Depends on no other gateway package (Netty and Reactor only).
 */
@NullMarked
package io.llmgateway.provider.openai.sse;

import org.jspecify.annotations.NullMarked;
