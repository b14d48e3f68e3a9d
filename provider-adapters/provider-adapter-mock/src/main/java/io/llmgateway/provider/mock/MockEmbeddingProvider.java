package io.llmgateway.provider.mock;

import io.llmgateway.core.error.InvalidRequestException;
import io.llmgateway.core.protocol.EmbeddingRequest;
import io.llmgateway.core.protocol.EmbeddingResult;
import io.llmgateway.core.provider.Deployment;
import io.llmgateway.core.provider.EmbeddingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A deterministic in-process embedder, so that ingestion and search can be exercised without a model: each text
 * becomes a bag of its lower-cased words, feature-hashed into {@value #DEFAULT_DIMENSIONS} dimensions (or the
 * request's {@code dimensions}, 1 to {@value #MAX_DIMENSIONS}) with a hashed sign, and L2-normalised. Texts that
 * share words have a high cosine similarity; texts that share none are close to orthogonal; a text without words
 * is the zero vector.
 *
 * <p>{@code promptTokens} is the number of words, at least one per input. The same text always gives the same
 * vector, on any machine.
 */
public final class MockEmbeddingProvider implements EmbeddingProvider {

    public static final int DEFAULT_DIMENSIONS = 64;
    public static final int MAX_DIMENSIONS = 4096;

    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final Deployment deployment;

    public MockEmbeddingProvider(Deployment deployment) {
        this.deployment = deployment;
    }

    @Override
    public Mono<EmbeddingResult> embed(EmbeddingRequest request) {
        return Mono.fromSupplier(() -> {
            int dimensions = dimensions(request.dimensions());
            List<float[]> vectors = new ArrayList<>(request.input().size());
            int words = 0;
            for (String text : request.input()) {
                float[] vector = new float[dimensions];
                words += Math.max(1, addWords(text, vector));
                normalise(vector);
                vectors.add(vector);
            }
            return new EmbeddingResult(vectors, words);
        });
    }

    @Override
    public void check(EmbeddingRequest request) {
        dimensions(request.dimensions());
    }

    private static int dimensions(@Nullable Integer requested) {
        if (requested == null) {
            return DEFAULT_DIMENSIONS;
        }
        if (requested < 1 || requested > MAX_DIMENSIONS) {
            throw InvalidRequestException.invalidParameter(
                    "dimensions", "dimensions must be between 1 and " + MAX_DIMENSIONS + "; got " + requested + ".");
        }
        return requested;
    }

    /** Adds one signed count per word of {@code text} to its bucket; the number of words. */
    private static int addWords(String text, float[] vector) {
        int count = 0;
        for (String word : NOT_A_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                long hash = hash(word);
                int bucket = (int) ((hash & 0xFFFF_FFFFL) % vector.length);
                vector[bucket] += hash < 0 ? -1f : 1f;
                count++;
            }
        }
        return count;
    }

    private static void normalise(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        if (sum > 0) {
            float scale = (float) (1 / Math.sqrt(sum));
            for (int i = 0; i < vector.length; i++) {
                vector[i] *= scale;
            }
        }
    }

    /** FNV-1a over the word's characters, then splitmix64's finaliser so that every bit depends on every char. */
    private static long hash(String word) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < word.length(); i++) {
            h = (h ^ word.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    @Override
    public String toString() {
        return "MockEmbeddingProvider[" + deployment.name() + "]";
    }
}
