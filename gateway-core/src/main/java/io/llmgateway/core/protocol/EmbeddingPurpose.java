package io.llmgateway.core.protocol;

/**
 * What the texts of an embedding request are for. Asymmetric retrieval models (NVIDIA's {@code nv-embedqa-*}, E5)
 * embed a question and a passage differently and require to be told which ({@code input_type}); symmetric ones
 * (OpenAI's, all-MiniLM-L6-v2) ignore it.
 */
public enum EmbeddingPurpose {
    /** A search query or question. */
    QUERY,
    /** A passage to be found: a chunk of a document being ingested. */
    PASSAGE
}
