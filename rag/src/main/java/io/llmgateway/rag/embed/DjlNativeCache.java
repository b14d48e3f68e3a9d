package io.llmgateway.rag.embed;

import java.nio.file.Path;

/**
 * Where DJL puts its native code, and DJL kept offline. DJL's Hugging Face tokenizer unpacks
 * {@code libtokenizers.so} into {@code $DJL_CACHE_DIR/tokenizers}, by default {@code ~/.djl.ai}, and, unless offline,
 * may try to download libraries and asks the EC2 metadata service for telemetry when a tokenizer is made. Everything
 * that loads a DJL tokenizer calls {@link #configure} first, so they all agree on one folder and nothing goes out.
 */
public final class DjlNativeCache {

    private static final String CACHE_DIR_PROPERTY = "DJL_CACHE_DIR";
    private static final String OFFLINE_PROPERTY = "ai.djl.offline";

    private DjlNativeCache() {}

    /** {@code java.io.tmpdir/llm-gateway-djl}. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "llm-gateway-djl");
    }

    /** {@link #configure(Path)} with {@link #defaultDir()}. */
    public static void configure() {
        configure(defaultDir());
    }

    /**
     * Points {@code DJL_CACHE_DIR} at {@code dir} and turns on DJL's offline mode, each unless already set (in the
     * environment or as a system property). Call it before DJL's tokenizer classes load.
     */
    public static synchronized void configure(Path dir) {
        if (isBlank(System.getenv(CACHE_DIR_PROPERTY)) && isBlank(System.getProperty(CACHE_DIR_PROPERTY))) {
            System.setProperty(CACHE_DIR_PROPERTY, dir.toAbsolutePath().toString());
        }
        if (isBlank(System.getenv("DJL_OFFLINE")) && isBlank(System.getProperty(OFFLINE_PROPERTY))) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
