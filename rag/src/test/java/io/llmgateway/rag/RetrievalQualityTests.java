package io.llmgateway.rag;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.rag.chunk.Chunk;
import io.llmgateway.rag.chunk.Chunker;
import io.llmgateway.rag.document.DocumentParser;
import io.llmgateway.rag.document.ParsedDocument;
import io.llmgateway.rag.embed.Embeddings;
import io.llmgateway.rag.embed.LocalMiniLmEmbedder;
import io.llmgateway.rag.embed.SharedEmbedder;
import io.llmgateway.rag.index.Filter;
import io.llmgateway.rag.index.IndexedChunk;
import io.llmgateway.rag.index.LuceneRetriever;
import io.llmgateway.rag.index.SearchHit;
import io.llmgateway.rag.index.SearchRequest;
import io.llmgateway.rag.index.SearchRequest.Mode;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End-to-end retrieval quality on a small fictional company handbook ({@code src/test/resources/corpus}): 34
 * documents in text, Markdown, HTML and PDF (the PDFs are generated here from {@code corpus/pdf-src}), and 55
 * questions in {@code questions.tsv}, each naming the file and a phrase of the answer.
 *
 * <p>Everything runs as in production: parse, chunk with {@code ChunkingStrategy.DEFAULT}, embed with the local
 * MiniLM model, index in Lucene; then each question is searched in hybrid, BM25 and vector mode with 4 results.
 * A question is a hit when one of the 4 chunks comes from the right file <em>and</em> contains the answer
 * phrase (case and whitespace ignored): the strict check, because with 200-token chunks a document has several
 * chunks and the right file alone would overstate recall. The questions are phrased the way an employee would
 * ask, not copied from the text, so both the words and the meaning matter.
 */
class RetrievalQualityTests {

    private static final String STORE = "vs_handbook";
    private static final int K = 4;

    private static LocalMiniLmEmbedder embedder;
    private static LuceneRetriever retriever;
    private static final Map<String, String> TEXTS = new TreeMap<>();

    @BeforeAll
    static void ingest() throws Exception {
        embedder = SharedEmbedder.get();
        retriever = LuceneRetriever.inMemory(GatewayJson.newMapper());
        DocumentParser parser = new DocumentParser();
        Chunker chunker = new Chunker();

        List<IndexedChunk> all = new ArrayList<>();
        long embedNanos = 0;
        long embedTokens = 0;
        long start = System.nanoTime();
        for (Map.Entry<String, byte[]> file : corpus().entrySet()) {
            String name = file.getKey();
            ParsedDocument parsed = parser.parse(file.getValue(), name, null);
            TEXTS.put(name, parsed.text());
            List<Chunk> chunks = chunker.chunk(parsed.text());
            long t = System.nanoTime();
            Embeddings embeddings =
                    embedder.embedWithUsage(chunks.stream().map(Chunk::text).toList());
            embedNanos += System.nanoTime() - t;
            embedTokens += embeddings.inputTokens();
            for (Chunk chunk : chunks) {
                all.add(new IndexedChunk(
                        STORE,
                        "file-" + name,
                        name,
                        chunk.index(),
                        chunk.text(),
                        embeddings.vectors().get(chunk.index()),
                        Map.of("format", name.substring(name.indexOf('.') + 1))));
            }
        }
        retriever.index(all);
        long total = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
                Locale.ROOT,
                "ingested %d files, %d chunks in %d ms; embedding %.0f chunks/s"
                        + " (%d word pieces, %.0f word pieces/s); model load %d ms%n",
                TEXTS.size(),
                all.size(),
                total,
                all.size() / (embedNanos / 1e9),
                embedTokens,
                embedTokens / (embedNanos / 1e9),
                SharedEmbedder.loadMillis());
    }

    @AfterAll
    static void close() {
        if (retriever != null) {
            retriever.close();
        }
    }

    /** Every file of the corpus by name; PDFs built from their text sources. */
    private static Map<String, byte[]> corpus() throws Exception {
        Path dir = resource("corpus");
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path path : entries.filter(Files::isRegularFile).toList()) {
                String name = path.getFileName().toString();
                if (!name.equals("questions.tsv")) {
                    files.put(name, Files.readAllBytes(path));
                }
            }
        }
        try (Stream<Path> sources = Files.list(dir.resolve("pdf-src"))) {
            for (Path path : sources.toList()) {
                String name = path.getFileName().toString().replaceFirst("\\.txt$", ".pdf");
                files.put(name, TestPdfs.fromText(Files.readString(path)));
            }
        }
        return files;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(
                RetrievalQualityTests.class.getClassLoader().getResource(name).toURI());
    }

    private record Question(String text, String file, String phrase) {}

    private static List<Question> questions() throws Exception {
        List<Question> questions = new ArrayList<>();
        for (String line : Files.readAllLines(resource("corpus/questions.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            questions.add(new Question(fields[0].strip(), fields[1].strip(), fields[2].strip()));
        }
        return questions;
    }

    private static String squash(String text) {
        return text.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    @Test
    void corpusAndQuestionsAreConsistent() throws Exception {
        assertThat(TEXTS).hasSizeGreaterThanOrEqualTo(30);
        assertThat(TEXTS.keySet())
                .anyMatch(n -> n.endsWith(".txt"))
                .anyMatch(n -> n.endsWith(".md"))
                .anyMatch(n -> n.endsWith(".html"))
                .anyMatch(n -> n.endsWith(".pdf"));
        List<Question> questions = questions();
        assertThat(questions).hasSizeGreaterThanOrEqualTo(40);
        for (Question q : questions) {
            assertThat(TEXTS).as(q.text()).containsKey(q.file());
            assertThat(squash(TEXTS.get(q.file()))).as(q.text()).contains(squash(q.phrase()));
        }
    }

    @Test
    void hybridRecallAtFourIsHighAndAtLeastAsGoodAsEitherMethod() throws Exception {
        List<Question> questions = questions();
        List<float[]> vectors =
                embedder.embed(questions.stream().map(Question::text).toList());
        Map<Mode, Integer> hits = new EnumMap<>(Mode.class);
        Map<Mode, List<String>> misses = new EnumMap<>(Mode.class);
        long searchNanos = 0;
        for (Mode mode : Mode.values()) {
            hits.put(mode, 0);
            misses.put(mode, new ArrayList<>());
        }
        for (int i = 0; i < questions.size(); i++) {
            Question q = questions.get(i);
            for (Mode mode : Mode.values()) {
                long t = System.nanoTime();
                List<SearchHit> found =
                        retriever.search(new SearchRequest(List.of(STORE), q.text(), vectors.get(i), K, 0, null, mode));
                searchNanos += System.nanoTime() - t;
                boolean hit = found.stream()
                        .anyMatch(h -> h.filename().equals(q.file())
                                && squash(h.text()).contains(squash(q.phrase())));
                if (hit) {
                    hits.merge(mode, 1, Integer::sum);
                } else {
                    misses.get(mode)
                            .add(q.text() + " -> "
                                    + found.stream().map(SearchHit::filename).toList());
                }
            }
        }
        double hybrid = hits.get(Mode.HYBRID) / (double) questions.size();
        double bm25 = hits.get(Mode.BM25) / (double) questions.size();
        double vector = hits.get(Mode.VECTOR) / (double) questions.size();

        System.out.printf(Locale.ROOT, "recall@4 hybrid=%.2f bm25=%.2f vector=%.2f%n", hybrid, bm25, vector);
        System.out.printf(
                Locale.ROOT,
                "%d questions, %.2f ms per search%n",
                questions.size(),
                searchNanos / 1e6 / (3.0 * questions.size()));
        misses.forEach((mode, list) -> list.forEach(m -> System.out.println("  miss " + mode + ": " + m)));

        assertThat(hybrid).isGreaterThanOrEqualTo(0.9);
        assertThat(hybrid).isGreaterThanOrEqualTo(bm25).isGreaterThanOrEqualTo(vector);
    }

    @Test
    void filtersApplyOnTheRealCorpus() throws Exception {
        float[] vector = embedder.embed("How do I connect to the VPN?");
        List<SearchHit> onlyPdf = retriever.search(new SearchRequest(
                List.of(STORE), "How do I connect to the VPN?", vector, K, 0, Filter.eq("format", "pdf"), Mode.HYBRID));

        assertThat(onlyPdf)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h.filename()).endsWith(".pdf"));
        assertThat(retriever.search(new SearchRequest(List.of("vs_other"), "VPN", vector, K, 0, null, Mode.HYBRID)))
                .isEmpty();
    }
}
