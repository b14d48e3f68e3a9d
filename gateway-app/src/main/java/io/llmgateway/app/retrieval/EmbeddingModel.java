package io.llmgateway.app.retrieval;

import io.llmgateway.rag.embed.Embedder;
import io.llmgateway.rag.embed.LocalMiniLmEmbedder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The embedding model, created on first use (on the retrieval pool, never an event loop): loading
 * all-MiniLM-L6-v2 takes a few seconds and about 100 MB, which a gateway that never uses retrieval should not pay
 * at start-up. langchain4j keeps the model itself in a static, so every gateway in one JVM shares it.
 */
class EmbeddingModel implements AutoCloseable {

    private final Supplier<Embedder> factory;
    private volatile @Nullable Embedder embedder;
    private volatile boolean closed;

    EmbeddingModel() {
        this(LocalMiniLmEmbedder::new);
    }

    EmbeddingModel(Supplier<Embedder> factory) {
        this.factory = factory;
    }

    /** The embedder, loaded on the first call. Blocks. */
    Embedder get() {
        Embedder current = embedder;
        if (current == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the embedding model is closed");
                }
                current = embedder;
                if (current == null) {
                    current = factory.get();
                    embedder = current;
                }
            }
        }
        return current;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (embedder != null) {
            embedder.close();
        }
    }
}
