/**
 * Parts of the OpenAI-compatible transport that its chat and embedding providers share: {@link BoundedBody} (an answer
 * read into one array up to a limit), {@link StreamTimeout} (first-item and between-items time limits with one timer
 * per stream), {@link TransportErrors} (timeouts and connection failures to {@code UpstreamException}s) and
 * {@link UpstreamErrorParser} (an upstream's error answer, in any of its shapes, to an {@code UpstreamException}).
 *
 * <p>Public only so that the adapter's root package can use them: no other module imports them (not enforced).
 */
@NullMarked
package io.llmgateway.provider.openai.internal;

import org.jspecify.annotations.NullMarked;
