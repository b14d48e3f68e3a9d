package io.llmgateway.app.chat;

import io.llmgateway.app.limits.RateLimitHeaders;
import io.llmgateway.app.usage.UsageMeter;

/**
 * A request that passed admission: its context, the meter that will record its usage, and the rate-limit
 * headers of its response.
 */
public record AdmittedRequest(RequestContext context, UsageMeter meter, RateLimitHeaders rateLimits) {
}
