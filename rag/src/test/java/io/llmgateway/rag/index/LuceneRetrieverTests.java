package io.llmgateway.rag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.rag.index.SearchRequest.Mode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneRetrieverTests {

    private final LuceneRetriever retriever = LuceneRetriever.inMemory(GatewayJson.newMapper());

    @AfterEach
    void close() {
        retriever.close();
    }

    private static float[] v(float... values) {
        return values;
    }

    private static IndexedChunk chunk(
            String store, String file, int index, String text, float[] vector, Map<String, Object> attributes) {
        return new IndexedChunk(store, file, file + ".md", index, text, vector, attributes);
    }

    private void indexSample() {
        retriever.index(List.of(
                chunk(
                        "vs_a",
                        "file_expenses",
                        0,
                        "Submit expense receipts within thirty days.",
                        v(1, 0, 0),
                        Map.of("team", "finance", "year", 2024, "public", true)),
                chunk(
                        "vs_a",
                        "file_expenses",
                        1,
                        "Alcohol is never reimbursed.",
                        v(0.9f, 0.1f, 0),
                        Map.of("team", "finance", "year", 2024, "public", true)),
                chunk(
                        "vs_a",
                        "file_vpn",
                        0,
                        "The VPN client uses UDP port 51820.",
                        v(0, 1, 0),
                        Map.of("team", "it", "year", 2022, "public", false)),
                chunk(
                        "vs_a",
                        "file_oncall",
                        0,
                        "Acknowledge pages within fifteen minutes.",
                        v(0, 0, 1),
                        Map.of("team", "engineering", "year", 2025.5)),
                chunk(
                        "vs_b",
                        "file_secret",
                        0,
                        "Store B expense receipts are confidential.",
                        v(1, 0, 0),
                        Map.of("team", "finance", "year", 2024))));
    }

    private List<SearchHit> search(String text, float[] vector, Filter filter, Mode mode) {
        return retriever.search(new SearchRequest(List.of("vs_a"), text, vector, 10, 0, filter, mode));
    }

    @Test
    void hybridFindsByWordsAndByMeaningWithinTheStore() {
        indexSample();

        List<SearchHit> hits = search("expense receipts", v(1, 0, 0), null, Mode.HYBRID);

        assertThat(hits).isNotEmpty();
        SearchHit top = hits.get(0);
        assertThat(top.vectorStoreId()).isEqualTo("vs_a");
        assertThat(top.fileId()).isEqualTo("file_expenses");
        assertThat(top.filename()).isEqualTo("file_expenses.md");
        assertThat(top.chunkIndex()).isZero();
        assertThat(top.text()).isEqualTo("Submit expense receipts within thirty days.");
        assertThat(top.score()).isEqualTo(1.0); // first in both rankings
        assertThat(top.attributes())
                .containsEntry("team", "finance")
                .containsEntry("year", 2024.0)
                .containsEntry("public", true);
        assertThat(hits).extracting(SearchHit::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(hits).allSatisfy(h -> assertThat(h.score()).isBetween(0.0, 1.0));
    }

    @Test
    void aQueryOfThousandsOfWordsIsSearchedByItsFirstDistinctTerms() {
        indexSample();
        StringBuilder pasted = new StringBuilder("expense receipts ");
        for (int i = 0; i < 3000; i++) {
            pasted.append("word").append(i).append(' ');
        }
        assertThat(search(pasted.toString(), null, null, Mode.BM25))
                .extracting(SearchHit::fileId)
                .contains("file_expenses");
    }

    @Test
    void searchesNeverLeaveTheirStores() {
        indexSample();

        for (Mode mode : Mode.values()) {
            assertThat(search("expense receipts confidential", v(1, 0, 0), null, mode))
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(h.vectorStoreId()).isEqualTo("vs_a"));
        }
        List<SearchHit> storeB =
                retriever.search(new SearchRequest(List.of("vs_b"), "expense", v(1, 0, 0), 10, 0, null, Mode.HYBRID));
        assertThat(storeB).extracting(SearchHit::fileId).containsExactly("file_secret");
        List<SearchHit> both = retriever.search(
                new SearchRequest(List.of("vs_a", "vs_b"), "confidential", null, 10, 0, null, Mode.BM25));
        assertThat(both).extracting(SearchHit::fileId).containsExactly("file_secret");
        assertThat(retriever.search(new SearchRequest(List.of("vs_unknown"), "expense", v(1, 0, 0), 10, 0, null, null)))
                .isEmpty();
    }

    @Test
    void equalityFilters() {
        indexSample();

        assertThat(search(null, v(1, 0, 0), Filter.eq("team", "it"), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactly("file_vpn");
        assertThat(search(null, v(1, 0, 0), Filter.eq("public", false), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactly("file_vpn");
        assertThat(search(null, v(1, 0, 0), Filter.eq("year", 2024), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsOnly("file_expenses")
                .hasSize(2);
        assertThat(search(
                        null,
                        v(1, 0, 0),
                        new Filter.Comparison(Filter.ComparisonType.NE, "team", "finance"),
                        Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactlyInAnyOrder("file_vpn", "file_oncall");
        // ne also matches chunks that lack the attribute
        assertThat(search(
                        null, v(1, 0, 0), new Filter.Comparison(Filter.ComparisonType.NE, "public", true), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactlyInAnyOrder("file_vpn", "file_oncall");
    }

    @Test
    void numericAndStringRanges() {
        indexSample();

        assertThat(search(null, v(0, 0, 1), new Filter.Comparison(Filter.ComparisonType.GT, "year", 2024), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactly("file_oncall");
        assertThat(search(
                        null, v(0, 0, 1), new Filter.Comparison(Filter.ComparisonType.GTE, "year", 2024), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsOnly("file_oncall", "file_expenses")
                .hasSize(3);
        assertThat(search(null, v(0, 0, 1), new Filter.Comparison(Filter.ComparisonType.LT, "year", 2024), Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactly("file_vpn");
        assertThat(search(
                        null,
                        v(0, 0, 1),
                        new Filter.Comparison(Filter.ComparisonType.LTE, "team", "finance"),
                        Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsOnly("file_oncall", "file_expenses")
                .hasSize(3);
    }

    @Test
    void compoundAndListFilters() {
        indexSample();

        Filter and = Filter.and(
                Filter.eq("team", "finance"), new Filter.Comparison(Filter.ComparisonType.GTE, "year", 2024));
        assertThat(search("alcohol receipts", v(1, 0, 0), and, Mode.HYBRID))
                .extracting(SearchHit::fileId)
                .containsOnly("file_expenses")
                .hasSize(2);

        Filter or = Filter.or(Filter.eq("team", "it"), new Filter.Comparison(Filter.ComparisonType.GT, "year", 2025));
        assertThat(search(null, v(1, 0, 0), or, Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactlyInAnyOrder("file_vpn", "file_oncall");

        Filter nested = Filter.and(
                Filter.eq("public", true),
                Filter.or(Filter.eq("team", "it"), new Filter.Comparison(Filter.ComparisonType.LT, "year", 2030)));
        assertThat(search(null, v(1, 0, 0), nested, Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsOnly("file_expenses")
                .hasSize(2);

        assertThat(search(
                        null,
                        v(1, 0, 0),
                        new Filter.Comparison(Filter.ComparisonType.IN, "team", List.of("it", "engineering")),
                        Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactlyInAnyOrder("file_vpn", "file_oncall");
        assertThat(search(
                        null,
                        v(1, 0, 0),
                        new Filter.Comparison(Filter.ComparisonType.IN, "year", List.of(2022, 2025.5)),
                        Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsExactlyInAnyOrder("file_vpn", "file_oncall");
        assertThat(search(
                        null,
                        v(1, 0, 0),
                        new Filter.Comparison(Filter.ComparisonType.NIN, "team", List.of("it", "engineering")),
                        Mode.VECTOR))
                .extracting(SearchHit::fileId)
                .containsOnly("file_expenses");
    }

    @Test
    void deleteFileAndDeleteStoreRemoveChunks() {
        indexSample();
        assertThat(retriever.countChunks("vs_a")).isEqualTo(4);

        retriever.deleteFile("vs_a", "file_expenses");

        assertThat(retriever.countChunks("vs_a")).isEqualTo(2);
        for (Mode mode : Mode.values()) {
            assertThat(search("expense receipts alcohol", v(1, 0, 0), null, mode))
                    .noneMatch(h -> h.fileId().equals("file_expenses"));
        }
        assertThat(retriever.countChunks("vs_b")).isEqualTo(1); // the same file id elsewhere is untouched

        retriever.deleteStore("vs_a");
        assertThat(retriever.countChunks("vs_a")).isZero();
        assertThat(retriever.countChunks("vs_b")).isEqualTo(1);

        retriever.clear();
        assertThat(retriever.countChunks("vs_b")).isZero();
    }

    @Test
    void reindexingAChunkReplacesIt() {
        indexSample();

        retriever.index(List.of(
                chunk("vs_a", "file_vpn", 0, "The VPN now uses TCP port 443.", v(0, 1, 0), Map.of("team", "it"))));

        assertThat(retriever.countChunks("vs_a")).isEqualTo(4);
        assertThat(search("port", null, null, Mode.BM25))
                .singleElement()
                .satisfies(h -> assertThat(h.text()).isEqualTo("The VPN now uses TCP port 443."));
    }

    @Test
    void scoreThresholdDropsWeakHits() {
        indexSample();

        List<SearchHit> vector =
                retriever.search(new SearchRequest(List.of("vs_a"), null, v(1, 0, 0), 10, 0.5, null, Mode.VECTOR));
        assertThat(vector)
                .extracting(SearchHit::fileId)
                .containsOnly("file_expenses")
                .hasSize(2);
        assertThat(vector.get(0).score()).isCloseTo(1.0, Offset.offset(1e-6));
        assertThat(vector.get(1).score()).isCloseTo(0.9 / Math.sqrt(0.82), Offset.offset(1e-5));

        List<SearchHit> bm25 = retriever.search(
                new SearchRequest(List.of("vs_a"), "receipts days port", null, 10, 0.0, null, Mode.BM25));
        assertThat(bm25.get(0).score()).isEqualTo(1.0);
        double second = bm25.get(1).score();
        assertThat(retriever.search(new SearchRequest(
                        List.of("vs_a"), "receipts days port", null, 10, Math.nextUp(second), null, Mode.BM25)))
                .hasSize(1);

        // in hybrid mode a chunk ranked first by one method only scores 0.5
        List<SearchHit> hybrid = retriever.search(
                new SearchRequest(List.of("vs_a"), "fifteen minutes", v(1, 0, 0), 10, 0.5, null, Mode.HYBRID));
        assertThat(hybrid).extracting(SearchHit::fileId).containsExactly("file_oncall", "file_expenses");
        assertThat(hybrid.get(1).score()).isEqualTo(0.5);
        assertThat(retriever.search(
                        new SearchRequest(List.of("vs_a"), "fifteen minutes", v(1, 0, 0), 10, 0.51, null, Mode.HYBRID)))
                .extracting(SearchHit::fileId)
                .containsExactly("file_oncall");
    }

    @Test
    void hybridFallsBackToTheMethodItCanRun() {
        indexSample();

        assertThat(search(null, v(0, 1, 0), null, Mode.HYBRID).get(0))
                .satisfies(h -> assertThat(h.fileId()).isEqualTo("file_vpn"))
                .satisfies(h -> assertThat(h.score()).isCloseTo(1.0, Offset.offset(1e-6)));
        assertThat(search("the of and", v(0, 1, 0), null, Mode.HYBRID).get(0).fileId())
                .isEqualTo("file_vpn");
        assertThat(search("udp port", null, null, Mode.HYBRID).get(0).fileId()).isEqualTo("file_vpn");
    }

    @Test
    void queryTextIsNeverParsedAsSyntax() {
        indexSample();

        assertThat(search("port:51820 AND (title:\"x\" OR *) ~ ^2 [a TO z]", null, null, Mode.BM25))
                .extracting(SearchHit::fileId)
                .contains("file_vpn");
    }

    @Test
    void requestsAreValidated() {
        assertThatThrownBy(() -> new SearchRequest(List.of(), "x", null, 4, 0, null, null))
                .hasMessageContaining("at least one vector store");
        assertThatThrownBy(() -> new SearchRequest(List.of("vs"), "x", null, 0, 0, null, null))
                .hasMessageContaining("maxNumResults");
        assertThatThrownBy(() -> new SearchRequest(List.of("vs"), "x", null, 4, 1.5, null, null))
                .hasMessageContaining("scoreThreshold");
        assertThatThrownBy(() -> new SearchRequest(List.of("vs"), "x", null, 4, 0, null, Mode.VECTOR))
                .hasMessageContaining("query vector");
        assertThatThrownBy(() -> new SearchRequest(List.of("vs"), " ", null, 4, 0, null, Mode.BM25))
                .hasMessageContaining("query text");
        assertThat(new SearchRequest(List.of("vs"), "x", null, 4, 0, null, null).mode())
                .isEqualTo(Mode.HYBRID);
        assertThatThrownBy(() -> chunk("vs", "f", 0, "t", null, Map.of("k", List.of(1))))
                .hasMessageContaining("attribute 'k' must be a string, a number or a boolean");
    }

    @Test
    void vectorLengthsMustMatchTheIndex() {
        indexSample();

        assertThatThrownBy(() -> retriever.index(List.of(chunk("vs_a", "f", 0, "t", v(1, 0), Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the chunks have vectors of 2 dimensions, but the index holds vectors of 3 dimensions"
                        + " (one embedding model per index)");
        assertThatThrownBy(() -> retriever.index(List.of(
                        chunk("vs_a", "f", 0, "t", v(1, 0, 0), Map.of()),
                        chunk("vs_a", "f", 1, "t", v(1, 0), Map.of()))))
                .hasMessage("chunk 1 of file f has a vector of 2 dimensions, the others of the batch 3");
        assertThatThrownBy(() -> search("x", v(1, 0), null, Mode.HYBRID))
                .hasMessage("the query vector has 2 dimensions, but the index holds vectors of 3 dimensions");
        assertThat(retriever.countChunks("vs_a")).isEqualTo(4);

        retriever.clear();
        retriever.index(List.of(chunk("vs_a", "f", 0, "two dimensions now", v(1, 0), Map.of())));
        assertThat(search("dimensions", v(1, 0), null, Mode.HYBRID))
                .extracting(SearchHit::fileId)
                .containsExactly("f");
    }

    @Test
    void closedIndexRefusesCalls() {
        LuceneRetriever closed = LuceneRetriever.inMemory(GatewayJson.newMapper());
        closed.close();
        closed.close(); // idempotent

        assertThatThrownBy(() -> closed.countChunks("vs")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onDiskIndexSurvivesReopening(@TempDir Path dir) {
        try (LuceneRetriever disk = LuceneRetriever.open(dir, GatewayJson.newMapper())) {
            disk.index(List.of(chunk("vs_a", "f", 0, "Persistent chunk about backups.", v(1, 0, 0), Map.of())));
        }
        try (LuceneRetriever disk = LuceneRetriever.open(dir, GatewayJson.newMapper())) {
            assertThat(disk.countChunks("vs_a")).isEqualTo(1);
            assertThat(disk.search(new SearchRequest(List.of("vs_a"), "backup", v(1, 0, 0), 4, 0, null, null)))
                    .extracting(SearchHit::text)
                    .containsExactly("Persistent chunk about backups.");
        }
    }

    @Test
    void concurrentSearchesAndUpdates() throws Exception {
        indexSample();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int writer = 0; writer < 2; writer++) {
                int w = writer;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        String file = "file_w" + w + "_" + i;
                        retriever.index(List.of(
                                chunk("vs_c", file, 0, "Concurrent chunk " + i, v(1, 1, 0), Map.of("writer", w))));
                        // read-your-writes: the chunk is searchable as soon as index() returns
                        assertThat(retriever.search(new SearchRequest(
                                        List.of("vs_c"),
                                        "concurrent",
                                        v(1, 1, 0),
                                        100,
                                        0,
                                        Filter.eq("writer", w),
                                        Mode.HYBRID)))
                                .anyMatch(h -> h.fileId().equals(file));
                        if (i % 3 == 0) {
                            retriever.deleteFile("vs_c", file);
                        }
                    }
                }));
            }
            for (int reader = 0; reader < 2; reader++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        assertThat(search("expense receipts", v(1, 0, 0), null, Mode.HYBRID))
                                .allSatisfy(h -> assertThat(h.vectorStoreId()).isEqualTo("vs_a"));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(retriever.countChunks("vs_c")).isEqualTo(2 * (30 - 10));
    }
}
