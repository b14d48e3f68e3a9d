import io.llmgateway.core.json.GatewayJson;
import io.llmgateway.rag.chunk.Chunk;
import io.llmgateway.rag.chunk.Chunker;
import io.llmgateway.rag.embed.LocalMiniLmEmbedder;
import io.llmgateway.rag.index.IndexedChunk;
import io.llmgateway.rag.index.LuceneRetriever;
import io.llmgateway.rag.index.SearchRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Retrieval benchmark (run by bench/retrieval.sh): ingestion throughput of the real pipeline (chunking and the local
 * all-MiniLM-L6-v2 model, in chunks per second), then hybrid search latency (p50/p95) over an index of CHUNKS chunks.
 * The large index is filled with chunks of generated text and the embeddings of a few hundred real chunks (reused
 * round robin), since embedding 50,000 chunks would take half an hour on two cores; queries are embedded for real.
 */
public final class RetrievalBench {

    private static final String[] WORDS = ("policy expense travel invoice vpn laptop onboarding security password "
            + "deployment rollback incident oncall escalation customer refund contract approval budget quarter "
            + "report release feature api token gateway model latency region backup restore audit access review "
            + "holiday benefit payroll office meeting training certificate compliance vendor license storage").split(" ");

    public static void main(String[] args) throws Exception {
        int chunks = Integer.parseInt(System.getProperty("chunks", "50000"));
        int embedSample = Integer.parseInt(System.getProperty("embedSample", "256"));
        int queries = Integer.parseInt(System.getProperty("queries", "300"));
        Random random = new Random(42);
        Chunker chunker = new Chunker();

        long loadStart = System.nanoTime();
        LocalMiniLmEmbedder embedder = new LocalMiniLmEmbedder();
        embedder.embed("warm up");
        System.out.printf("model load: %.1f s%n", (System.nanoTime() - loadStart) / 1e9);

        // ingestion: chunk documents of generated text and embed every chunk, in batches of 32
        List<Chunk> sample = new ArrayList<>();
        while (sample.size() < embedSample) {
            sample.addAll(chunker.chunk(document(random, 900)));
        }
        sample = sample.subList(0, embedSample);
        long ingestStart = System.nanoTime();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < sample.size(); i += 32) {
            List<String> batch = sample.subList(i, Math.min(sample.size(), i + 32)).stream().map(Chunk::text).toList();
            vectors.addAll(embedder.embed(batch));
        }
        double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
        System.out.printf("ingestion: %d chunks of up to 200 tokens embedded in %.1f s = %.1f chunks/s%n",
                sample.size(), ingestSeconds, sample.size() / ingestSeconds);

        // the index: CHUNKS chunks in one store, written in batches as the gateway writes files
        try (LuceneRetriever retriever = LuceneRetriever.inMemory(GatewayJson.newMapper())) {
            long indexStart = System.nanoTime();
            List<IndexedChunk> batch = new ArrayList<>();
            for (int i = 0; i < chunks; i++) {
                String text = i < sample.size() ? sample.get(i).text() : paragraph(random, 150);
                batch.add(new IndexedChunk("vs_bench", "file-" + (i / 50), "doc-" + (i / 50) + ".txt", i % 50, text,
                        vectors.get(i % vectors.size()), Map.of("team", WORDS[i % 8])));
                if (batch.size() == 2000) {
                    retriever.index(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                retriever.index(batch);
            }
            System.out.printf("index: %d chunks written in %.1f s%n", retriever.countChunks("vs_bench"),
                    (System.nanoTime() - indexStart) / 1e9);

            // searches: embed the query (as the gateway does) and run a hybrid search for 4 results
            long[] searchNanos = new long[queries];
            long[] totalNanos = new long[queries];
            for (int q = -50; q < queries; q++) {
                String query = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]
                        + " " + WORDS[random.nextInt(WORDS.length)];
                long start = System.nanoTime();
                float[] vector = embedder.embed(query);
                long embedded = System.nanoTime();
                retriever.search(SearchRequest.hybrid(List.of("vs_bench"), query, vector, 4));
                long end = System.nanoTime();
                if (q >= 0) {
                    searchNanos[q] = end - embedded;
                    totalNanos[q] = end - start;
                }
            }
            System.out.printf("hybrid search over %d chunks, %d queries: index p50 %.1f ms, p95 %.1f ms;"
                            + " with query embedding p50 %.1f ms, p95 %.1f ms%n", chunks, queries,
                    percentile(searchNanos, 50), percentile(searchNanos, 95), percentile(totalNanos, 50),
                    percentile(totalNanos, 95));
        }
        embedder.close();
    }

    private static String document(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < words / 60; p++) {
            text.append(paragraph(random, 60)).append("\n\n");
        }
        return text.toString();
    }

    private static String paragraph(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(w % 12 == 11 ? ". " : " ");
        }
        return text.toString().trim();
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
