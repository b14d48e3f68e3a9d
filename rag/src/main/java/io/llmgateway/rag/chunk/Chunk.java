package io.llmgateway.rag.chunk;

import java.util.Objects;

/**
 * One piece of a document, ready to embed and index.
 *
 * @param index the position of the chunk in its document, from 0
 * @param text the chunk's text
 * @param tokens the {@code cl100k_base} tokens of {@code text}, never more than the strategy's maximum
 */
public record Chunk(int index, String text, int tokens) {

    public Chunk {
        Objects.requireNonNull(text, "text");
    }
}
