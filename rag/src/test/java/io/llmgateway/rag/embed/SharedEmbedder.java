package io.llmgateway.rag.embed;

/** One embedder for all tests of the JVM: the model loads once anyway (a static of langchain4j's class). */
public final class SharedEmbedder {

    private static LocalMiniLmEmbedder embedder;
    private static long loadMillis;

    private SharedEmbedder() {}

    public static synchronized LocalMiniLmEmbedder get() {
        if (embedder == null) {
            long start = System.nanoTime();
            embedder = new LocalMiniLmEmbedder();
            loadMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("all-minilm-l6-v2 loaded in " + loadMillis + " ms");
        }
        return embedder;
    }

    public static synchronized long loadMillis() {
        return loadMillis;
    }
}
