package io.llmgateway.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalMiniLmEmbedderTests {

    private static LocalMiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = SharedEmbedder.get();
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Test
    void vectorsAreNormalizedWith384Dimensions() {
        Embeddings result = embedder.embedWithUsage(List.of("How do I set up the VPN?", "Expense receipts"));

        assertThat(embedder.modelId()).isEqualTo("all-minilm-l6-v2");
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(result.vectors())
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).hasSize(384))
                .allSatisfy(v -> assertThat(Math.sqrt(dot(v, v))).isCloseTo(1.0, Offset.offset(1e-4)));
        assertThat(result.inputTokens()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() {
        List<float[]> v = embedder.embed(List.of(
                "How many vacation days do employees get per year?",
                "Everybody receives 28 days of paid holiday annually.",
                "The VPN client connects over UDP port 51820."));

        assertThat(dot(v.get(0), v.get(1))).isGreaterThan(dot(v.get(0), v.get(2)) + 0.2);
    }

    @Test
    void resultsAreDeterministicAndInInputOrder() {
        List<float[]> batch = embedder.embed(List.of("alpha", "beta", "gamma"));

        assertThat(embedder.embed("beta")).containsExactly(batch.get(1));
        assertThat(embedder.embed(List.of())).isEmpty();
    }

    @Test
    void blankTextsAreRejected() {
        assertThatThrownBy(() -> embedder.embed(List.of("fine", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("texts[1] is blank");
    }

    @Test
    void nativeFilesStayOutOfTheHomeFolder() throws Exception {
        String cache = System.getProperty("DJL_CACHE_DIR");
        assertThat(cache).isNotBlank();
        assertThat(Path.of(cache)).isNotEqualTo(Path.of(System.getProperty("user.home"), ".djl.ai"));
        try (Stream<Path> files = Files.walk(Path.of(cache))) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).anyMatch(n -> n.startsWith("libtokenizers"));
        }
    }
}
