package io.llmgateway.rag.chunk;

/**
 * How text is cut into chunks, with OpenAI's static chunking limits: {@code max_chunk_size_tokens} 100 to 4096,
 * {@code chunk_overlap_tokens} at least 0 and at most half the maximum. Tokens are {@code cl100k_base} tokens.
 *
 * <p>{@link #DEFAULT} is 200 tokens with 40 of overlap rather than OpenAI's 800/400, because the local embedding
 * model, all-MiniLM-L6-v2, was trained on inputs of at most 256 word pieces: a longer chunk is embedded in
 * pieces whose vectors are averaged, which blurs what the chunk is about and hurts vector search. English text
 * takes about 10 to 25 % more BERT word pieces than {@code cl100k} tokens, so 200 tokens stay within 256 word
 * pieces, and 40 tokens (about two sentences) of overlap keep an answer that straddles a cut findable. Use a
 * larger strategy with an embedding model that reads longer inputs.
 *
 * @param maxChunkSizeTokens the most tokens a chunk may hold
 * @param chunkOverlapTokens how many tokens at the end of a chunk are repeated at the start of the next
 */
public record ChunkingStrategy(int maxChunkSizeTokens, int chunkOverlapTokens) {

    public static final int MIN_MAX_CHUNK_SIZE_TOKENS = 100;
    public static final int MAX_MAX_CHUNK_SIZE_TOKENS = 4096;

    /** 200 tokens, 40 of overlap: suited to all-MiniLM-L6-v2 (see the class comment). */
    public static final ChunkingStrategy DEFAULT = new ChunkingStrategy(200, 40);

    /** OpenAI's own default for {@code chunking_strategy: auto}: 800 tokens, 400 of overlap. */
    public static final ChunkingStrategy OPENAI_AUTO = new ChunkingStrategy(800, 400);

    /**
     * @throws IllegalArgumentException naming the field ({@code chunking_strategy.static.max_chunk_size_tokens}
     *     or {@code chunking_strategy.static.chunk_overlap_tokens}) when a limit is broken
     */
    public ChunkingStrategy {
        if (maxChunkSizeTokens < MIN_MAX_CHUNK_SIZE_TOKENS || maxChunkSizeTokens > MAX_MAX_CHUNK_SIZE_TOKENS) {
            throw new IllegalArgumentException("chunking_strategy.static.max_chunk_size_tokens must be between "
                    + MIN_MAX_CHUNK_SIZE_TOKENS + " and " + MAX_MAX_CHUNK_SIZE_TOKENS + ", got " + maxChunkSizeTokens);
        }
        if (chunkOverlapTokens < 0) {
            throw new IllegalArgumentException(
                    "chunking_strategy.static.chunk_overlap_tokens must not be negative, got " + chunkOverlapTokens);
        }
        if (chunkOverlapTokens > maxChunkSizeTokens / 2) {
            throw new IllegalArgumentException("chunking_strategy.static.chunk_overlap_tokens must not exceed half"
                    + " of max_chunk_size_tokens (" + maxChunkSizeTokens / 2 + "), got " + chunkOverlapTokens);
        }
    }
}
