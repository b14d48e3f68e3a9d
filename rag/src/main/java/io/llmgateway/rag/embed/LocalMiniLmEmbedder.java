package io.llmgateway.rag.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * all-MiniLM-L6-v2 run in process by ONNX Runtime (langchain4j's packaging): 384-dimensional, L2-normalized
 * vectors, so cosine similarity and dot product agree. The model (about 90 MB) is read from the jar, nothing is
 * downloaded. It reads at most 256 word pieces well; langchain4j splits a longer text into 510-piece windows and
 * averages their vectors, so keep chunks short (see {@code ChunkingStrategy.DEFAULT}).
 *
 * <p>Native code: ONNX Runtime unpacks its library into {@code java.io.tmpdir} and removes it on exit; DJL's
 * Hugging Face tokenizer unpacks {@code libtokenizers.so} into {@code $DJL_CACHE_DIR/tokenizers}, by default
 * {@code ~/.djl.ai}. Unless {@code DJL_CACHE_DIR} is set (environment or system property), this class points it
 * at a folder under {@code java.io.tmpdir}, and it turns on DJL's offline mode ({@code ai.djl.offline}) so that
 * DJL never tries to download a library ({@link DjlNativeCache}). Both must happen before the model class loads:
 * build the first embedder before anything else touches langchain4j's ONNX models.
 *
 * <p>The model is loaded once per JVM (a static of langchain4j's class) when the first embedder is built: about
 * 2 to 5 s on two cores, and about 230 MB of native memory for ONNX Runtime and the model, with little heap left
 * in use (loading briefly holds the 90 MB model in a byte array). Build it at start-up, not on a request.
 * Thread-safe. Texts of one call are embedded one at a time on the executor given (by default the calling
 * thread); ONNX Runtime itself already spreads each text over every core, so a parallel executor gains nothing
 * on a small machine. Measured on 2 cores: about 7 ms for a short query, about 30 chunks of 200 tokens a second.
 */
public final class LocalMiniLmEmbedder implements Embedder {

    public static final String MODEL_ID = "all-minilm-l6-v2";
    public static final int DIMENSIONS = 384;

    private final EmbeddingModel model;

    /** An embedder that embeds on the calling thread, with DJL's native cache under {@code java.io.tmpdir}. */
    public LocalMiniLmEmbedder() {
        this(defaultNativeCacheDir(), null);
    }

    /**
     * @param nativeCacheDir where DJL unpacks its native tokenizer when {@code DJL_CACHE_DIR} is not set
     * @param executor where the texts of one call are embedded, one task per text; {@code null} for the calling
     *     thread
     */
    public LocalMiniLmEmbedder(Path nativeCacheDir, @Nullable Executor executor) {
        DjlNativeCache.configure(Objects.requireNonNull(nativeCacheDir, "nativeCacheDir"));
        this.model = new AllMiniLmL6V2EmbeddingModel(executor == null ? Runnable::run : executor);
        model.embed("warm up");
    }

    /** {@code java.io.tmpdir/llm-gateway-djl}. */
    public static Path defaultNativeCacheDir() {
        return DjlNativeCache.defaultDir();
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public Embeddings embedWithUsage(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        if (texts.isEmpty()) {
            return new Embeddings(List.of(), 0);
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("texts[" + i + "] is blank; only non-blank texts can be embedded");
            }
            segments.add(TextSegment.from(text));
        }
        Response<List<Embedding>> response = model.embedAll(segments);
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (Embedding embedding : response.content()) {
            vectors.add(embedding.vector());
        }
        TokenUsage usage = response.tokenUsage();
        long tokens = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        return new Embeddings(vectors, tokens);
    }
}
