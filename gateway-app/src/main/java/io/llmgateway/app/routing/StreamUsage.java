package io.llmgateway.app.routing;

/** What a deployment reports of a stream's usage when the gateway asks. */
public enum StreamUsage {

    /** Nothing: the gateway counts a stream's tokens with the model's tokenizer. */
    NONE,
    /** A last chunk with the usage, for {@code stream_options.include_usage} (OpenAI, most engines). */
    FINAL,
    /**
     * The usage so far on every chunk as well, for {@code stream_options.continuous_usage_stats} (vLLM): a stream
     * that ends early is billed the engine's own counts up to its last chunk.
     */
    CONTINUOUS
}
