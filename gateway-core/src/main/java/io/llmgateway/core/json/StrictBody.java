package io.llmgateway.core.json;

/**
 * A request body whose every field the gateway interprets itself (the admin API's): a field it does not know is a
 * 400, {@code Unrecognized request argument supplied: nam}, as OpenAI answers, instead of a misspelt field being
 * silently ignored. Bodies that pass through to a model keep unknown fields instead.
 */
public interface StrictBody {}
