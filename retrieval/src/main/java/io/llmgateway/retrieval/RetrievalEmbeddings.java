package io.llmgateway.retrieval;

import io.llmgateway.core.protocol.EmbeddingPurpose;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The embeddings retrieval needs, provided by the application: its embedding model called through its route, with
 * a usage record of the tokens it spent for the {@link EmbeddingOwner}.
 */
public interface RetrievalEmbeddings {

    /** The model id whose vectors the index compares. */
    public String modelId();

    /**
     * The vectors of the texts, in order; one usage record for them all, written to the owner.
     *
     * @param purpose passages being ingested or queries
     */
    public Mono<List<float[]>> embed(List<String> texts, EmbeddingPurpose purpose, EmbeddingOwner owner);
}
