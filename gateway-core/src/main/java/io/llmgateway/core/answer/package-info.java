/**
 * Upstream answers as the bytes the upstream sent. {@link AnswerScanner} reads a {@code chat.completion} or one
 * {@code chat.completion.chunk} in a single streaming pass into a {@link ScannedAnswer}: the offsets of the model id,
 * the usage and the object's end, and what the gateway meters (usage, first finish reason, delivered text).
 * {@link AnswerEditor} then changes only those places (the public model id, a {@code cost} in the usage, a missing
 * usage, retrieval's sources) and copies every other byte.
 *
 * <p>Adapters produce {@link ScannedAnswer}s through the provider SPI; the application's {@code ChatMeter} edits them.
 * Within the core it depends only on {@code core.json}.
 */
@NullMarked
package io.llmgateway.core.answer;

import org.jspecify.annotations.NullMarked;
