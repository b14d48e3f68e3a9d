package io.llmgateway.rag.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link Retriever} on an embedded Lucene index, in memory or in a directory.
 *
 * <p>Each chunk is one Lucene document: the store and file ids (exact terms), the file name and chunk index
 * (stored), the text (analyzed with {@link EnglishAnalyzer}, so BM25 matches "reimbursed" with
 * "reimbursement"), the embedding (an HNSW {@link KnnFloatVectorField} with cosine similarity) and the
 * attributes, indexed per kind for filters ({@code a.s.<key>} string terms, {@code a.n.<key>} double points,
 * {@code a.b.<key>} boolean terms) and stored as JSON to return with hits.
 *
 * <p>Hybrid search takes the top {@code max(50, 5 * maxNumResults)} of BM25 and of the vector search, both
 * restricted by the same filter (stores and attributes; the vector search applies it during the graph walk and
 * falls back to an exact scan when it is selective), and fuses them by reciprocal rank fusion, see
 * {@link SearchRequest}.
 *
 * <p>Thread-safe: Lucene's {@link IndexWriter} takes concurrent updates, and every update batch ends with a
 * blocking refresh of the {@link SearcherManager}, so a search that starts after {@link #index} returned sees
 * its chunks. An on-disk index is also committed after each batch. Memory: a chunk costs its text plus
 * {@code 4 * dimensions} bytes of vector and some graph (about 1.7 KB at 384 dimensions), held on the heap
 * for an in-memory index.
 */
public final class LuceneRetriever implements Retriever {

    static final int RRF_K = 60;
    private static final int MIN_CANDIDATES = 50;
    private static final int CANDIDATES_PER_RESULT = 5;
    private static final int MAX_QUERY_TERMS = 256;

    private static final String ID = "id";
    private static final String STORE = "store";
    private static final String FILE = "file";
    private static final String FILENAME = "filename";
    private static final String CHUNK = "chunk";
    private static final String TEXT = "text";
    private static final String VECTOR = "vector";
    private static final String ATTRIBUTES = "attributes";
    static final String STRING_PREFIX = "a.s.";
    static final String NUMBER_PREFIX = "a.n.";
    static final String BOOLEAN_PREFIX = "a.b.";

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final Directory directory;
    private final boolean persistent;
    private final Analyzer analyzer;
    /** Writes and reads the attributes stored with each chunk. */
    private final JsonMapper json;

    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The length of the index's vectors, once known; Lucene fixes it per field until the index is cleared. */
    private final AtomicInteger dimensions = new AtomicInteger();

    private LuceneRetriever(Directory directory, boolean persistent, Analyzer analyzer, JsonMapper json) {
        this.directory = directory;
        this.persistent = persistent;
        this.analyzer = analyzer;
        this.json = json;
        try {
            IndexWriterConfig config =
                    new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            this.writer = new IndexWriter(directory, config);
            this.searchers = new SearcherManager(writer, null);
            IndexSearcher searcher = searchers.acquire();
            try {
                FieldInfo vectors = FieldInfos.getMergedFieldInfos(searcher.getIndexReader())
                        .fieldInfo(VECTOR);
                dimensions.set(vectors == null ? 0 : vectors.getVectorDimension());
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the search index", e);
        }
    }

    /**
     * An index on the heap, lost when closed; the application rebuilds it from its database at start-up. Chunks'
     * attributes are stored as JSON written and read with {@code json}.
     */
    public static LuceneRetriever inMemory(JsonMapper json) {
        return new LuceneRetriever(new ByteBuffersDirectory(), false, new EnglishAnalyzer(), json);
    }

    /** An index in a directory (created when missing, reopened when present), committed after every update. */
    public static LuceneRetriever open(Path path, JsonMapper json) {
        Objects.requireNonNull(path, "path");
        try {
            return new LuceneRetriever(FSDirectory.open(path), true, new EnglishAnalyzer(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the search index in " + path, e);
        }
    }

    // ---- updates ----------------------------------------------------------------------------------------

    @Override
    public void index(List<IndexedChunk> chunks) {
        Objects.requireNonNull(chunks, "chunks");
        ensureOpen();
        if (chunks.isEmpty()) {
            return;
        }
        checkDimensions(chunks);
        try {
            for (IndexedChunk chunk : chunks) {
                writer.updateDocument(new Term(ID, id(chunk)), document(chunk));
            }
            afterUpdate();
        } catch (IOException e) {
            throw new UncheckedIOException("could not index " + chunks.size() + " chunks", e);
        }
    }

    @Override
    public void deleteFile(String vectorStoreId, String fileId) {
        IndexedChunk.requireId(vectorStoreId, "vectorStoreId");
        IndexedChunk.requireId(fileId, "fileId");
        ensureOpen();
        try {
            writer.deleteDocuments(new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(STORE, vectorStoreId)), Occur.FILTER)
                    .add(new TermQuery(new Term(FILE, fileId)), Occur.FILTER)
                    .build());
            afterUpdate();
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete file " + fileId, e);
        }
    }

    @Override
    public void deleteStore(String vectorStoreId) {
        IndexedChunk.requireId(vectorStoreId, "vectorStoreId");
        ensureOpen();
        try {
            writer.deleteDocuments(new Term(STORE, vectorStoreId));
            afterUpdate();
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete vector store " + vectorStoreId, e);
        }
    }

    @Override
    public void clear() {
        ensureOpen();
        try {
            writer.deleteAll();
            afterUpdate();
            dimensions.set(0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear the index", e);
        }
    }

    /** All vectors of the batch and of the index have one length; Lucene would reject the batch half-way. */
    private void checkDimensions(List<IndexedChunk> chunks) {
        int batch = 0;
        for (IndexedChunk chunk : chunks) {
            if (chunk.embedding() == null) {
                continue;
            }
            int length = chunk.embedding().length;
            if (length == 0 || (batch != 0 && length != batch)) {
                throw new IllegalArgumentException("chunk " + chunk.chunkIndex() + " of file " + chunk.fileId()
                        + " has a vector of " + length + " dimensions, the others of the batch " + batch);
            }
            batch = length;
        }
        if (batch != 0 && !dimensions.compareAndSet(0, batch) && dimensions.get() != batch) {
            throw new IllegalArgumentException("the chunks have vectors of " + batch + " dimensions, but the index"
                    + " holds vectors of " + dimensions.get() + " dimensions (one embedding model per index)");
        }
    }

    private void afterUpdate() throws IOException {
        if (persistent) {
            writer.commit();
        }
        searchers.maybeRefreshBlocking();
    }

    private static String id(IndexedChunk chunk) {
        return chunk.vectorStoreId() + '\u0000' + chunk.fileId() + '\u0000' + chunk.chunkIndex();
    }

    private Document document(IndexedChunk chunk) {
        Document doc = new Document();
        doc.add(new StringField(ID, id(chunk), Field.Store.NO));
        doc.add(new StringField(STORE, chunk.vectorStoreId(), Field.Store.YES));
        doc.add(new StringField(FILE, chunk.fileId(), Field.Store.YES));
        doc.add(new StoredField(FILENAME, chunk.filename()));
        doc.add(new StoredField(CHUNK, chunk.chunkIndex()));
        doc.add(new TextField(TEXT, chunk.text(), Field.Store.YES));
        if (chunk.embedding() != null) {
            doc.add(new KnnFloatVectorField(VECTOR, chunk.embedding(), VectorSimilarityFunction.COSINE));
        }
        for (Map.Entry<String, Object> attribute : chunk.attributes().entrySet()) {
            String key = attribute.getKey();
            Object value = attribute.getValue();
            if (value instanceof String s) {
                doc.add(new StringField(STRING_PREFIX + key, s, Field.Store.NO));
            } else if (value instanceof Double d) {
                doc.add(new DoublePoint(NUMBER_PREFIX + key, d));
            } else if (value instanceof Boolean b) {
                doc.add(new StringField(BOOLEAN_PREFIX + key, b.toString(), Field.Store.NO));
            }
        }
        if (!chunk.attributes().isEmpty()) {
            doc.add(new StoredField(ATTRIBUTES, json.writeValueAsString(chunk.attributes())));
        }
        return doc;
    }

    // ---- search -----------------------------------------------------------------------------------------

    @Override
    public List<SearchHit> search(SearchRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        int known = dimensions.get();
        if (request.queryVector() != null && known != 0 && request.queryVector().length != known) {
            throw new IllegalArgumentException("the query vector has " + request.queryVector().length
                    + " dimensions, but the index holds vectors of " + known + " dimensions");
        }
        Query filter = filterQuery(request);
        int candidates = Math.max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * request.maxNumResults());
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the index for search", e);
        }
        try {
            List<Scored> ranked = switch (request.mode()) {
                // SearchRequest checks that a BM25 search has query text and a vector search a query vector
                case BM25 ->
                    normalizedBm25(lexical(
                            searcher,
                            Objects.requireNonNull(request.queryText(), "queryText"),
                            filter,
                            request.maxNumResults()));
                case VECTOR ->
                    cosine(vector(
                            searcher,
                            Objects.requireNonNull(request.queryVector(), "queryVector"),
                            filter,
                            request.maxNumResults()));
                case HYBRID -> hybrid(searcher, request, filter, candidates);
            };
            return hits(searcher, ranked, request);
        } catch (IOException e) {
            throw new UncheckedIOException("the search failed", e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                // the searcher's reader is closed on the next refresh anyway
            }
        }
    }

    private List<Scored> hybrid(IndexSearcher searcher, SearchRequest request, Query filter, int candidates)
            throws IOException {
        String text = request.queryText();
        TopDocs lexical = text != null && !text.isBlank() ? lexical(searcher, text, filter, candidates) : null;
        TopDocs vector =
                request.queryVector() != null ? vector(searcher, request.queryVector(), filter, candidates) : null;
        if (vector == null) {
            return normalizedBm25(lexical);
        }
        if (lexical == null || (lexical.scoreDocs.length == 0 && !hasSearchableTerms(text))) {
            return cosine(vector);
        }
        Map<Integer, Double> fused = new HashMap<>();
        addReciprocalRanks(lexical, fused);
        addReciprocalRanks(vector, fused);
        double best = 2.0 / (RRF_K + 1);
        List<Scored> ranked = new ArrayList<>(fused.size());
        fused.forEach((doc, score) -> ranked.add(new Scored(doc, score / best)));
        ranked.sort(Scored.ORDER);
        return ranked;
    }

    private static void addReciprocalRanks(TopDocs ranking, Map<Integer, Double> fused) {
        ScoreDoc[] docs = ranking.scoreDocs;
        for (int rank = 0; rank < docs.length; rank++) {
            fused.merge(docs[rank].doc, 1.0 / (RRF_K + rank + 1), Double::sum);
        }
    }

    private boolean hasSearchableTerms(@Nullable String text) {
        return text != null && !terms(text).isEmpty();
    }

    private TopDocs lexical(IndexSearcher searcher, String text, Query filter, int n) throws IOException {
        // built from the analyzed words, never parsed: no query syntax reaches Lucene
        Set<String> terms = terms(text);
        if (terms.isEmpty()) {
            return new TopDocs(new TotalHits(0, TotalHits.Relation.EQUAL_TO), new ScoreDoc[0]);
        }
        BooleanQuery.Builder words = new BooleanQuery.Builder();
        for (String term : terms) {
            words.add(new TermQuery(new Term(TEXT, term)), Occur.SHOULD);
        }
        Query query = new BooleanQuery.Builder()
                .add(words.build(), Occur.MUST)
                .add(filter, Occur.FILTER)
                .build();
        return searcher.search(query, n);
    }

    /**
     * The distinct analyzed words of a query, the first {@value #MAX_QUERY_TERMS} of them: a question needs no more,
     * and Lucene refuses a query of more than 1,024 clauses (a pasted document as the query would fail the search).
     */
    private Set<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (terms.size() < MAX_QUERY_TERMS && tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    private static TopDocs vector(IndexSearcher searcher, float[] vector, Query filter, int n) throws IOException {
        return searcher.search(new KnnFloatVectorQuery(VECTOR, vector, n, filter), n);
    }

    private static List<Scored> normalizedBm25(@Nullable TopDocs docs) {
        List<Scored> ranked = new ArrayList<>();
        if (docs == null || docs.scoreDocs.length == 0) {
            return ranked;
        }
        double top = docs.scoreDocs[0].score;
        for (ScoreDoc doc : docs.scoreDocs) {
            ranked.add(new Scored(doc.doc, top > 0 ? doc.score / top : 0));
        }
        return ranked;
    }

    private static List<Scored> cosine(TopDocs docs) {
        List<Scored> ranked = new ArrayList<>();
        for (ScoreDoc doc : docs.scoreDocs) {
            // Lucene scores cosine vectors as (1 + cos) / 2
            ranked.add(new Scored(doc.doc, Math.max(0, Math.min(1, 2.0 * doc.score - 1))));
        }
        return ranked;
    }

    private List<SearchHit> hits(IndexSearcher searcher, List<Scored> ranked, SearchRequest request)
            throws IOException {
        List<SearchHit> hits = new ArrayList<>(Math.min(ranked.size(), request.maxNumResults()));
        StoredFields stored = searcher.storedFields();
        for (Scored scored : ranked) {
            if (hits.size() == request.maxNumResults()) {
                break;
            }
            if (scored.score() < request.scoreThreshold()) {
                continue;
            }
            Document doc = stored.document(scored.doc());
            IndexableField chunk = doc.getField(CHUNK);
            String attributes = doc.get(ATTRIBUTES);
            hits.add(new SearchHit(
                    doc.get(STORE),
                    doc.get(FILE),
                    doc.get(FILENAME),
                    chunk == null ? 0 : chunk.numericValue().intValue(),
                    doc.get(TEXT),
                    scored.score(),
                    attributes == null ? Map.of() : json.readValue(attributes, MAP)));
        }
        return hits;
    }

    private static Query filterQuery(SearchRequest request) {
        List<BytesRef> stores =
                request.vectorStoreIds().stream().distinct().map(BytesRef::new).toList();
        BooleanQuery.Builder filter = new BooleanQuery.Builder().add(new TermInSetQuery(STORE, stores), Occur.FILTER);
        if (request.filter() != null) {
            filter.add(toQuery(request.filter()), Occur.FILTER);
        }
        return filter.build();
    }

    /** The Lucene query of a filter; each query matches on its own (a negation is anchored on all documents). */
    static Query toQuery(Filter filter) {
        if (filter instanceof Filter.Compound compound) {
            BooleanQuery.Builder builder = new BooleanQuery.Builder();
            Occur occur = compound.type() == Filter.CompoundType.AND ? Occur.FILTER : Occur.SHOULD;
            for (Filter part : compound.filters()) {
                builder.add(toQuery(part), occur);
            }
            if (occur == Occur.SHOULD) {
                builder.setMinimumNumberShouldMatch(1);
            }
            return builder.build();
        }
        Filter.Comparison comparison = (Filter.Comparison) filter;
        String key = comparison.key();
        Object value = comparison.value();
        return switch (comparison.type()) {
            case EQ -> equalQuery(key, value);
            case NE -> not(equalQuery(key, value));
            case IN -> inQuery(key, (List<?>) value);
            case NIN -> not(inQuery(key, (List<?>) value));
            case GT, GTE, LT, LTE -> rangeQuery(comparison.type(), key, value);
        };
    }

    private static Query equalQuery(String key, Object value) {
        if (value instanceof String s) {
            return new TermQuery(new Term(STRING_PREFIX + key, s));
        }
        if (value instanceof Double d) {
            return DoublePoint.newExactQuery(NUMBER_PREFIX + key, d);
        }
        return new TermQuery(new Term(BOOLEAN_PREFIX + key, value.toString()));
    }

    private static Query inQuery(String key, List<?> values) {
        List<BytesRef> strings = new ArrayList<>();
        List<Double> numbers = new ArrayList<>();
        for (Object value : values) {
            if (value instanceof String s) {
                strings.add(new BytesRef(s));
            } else {
                numbers.add((Double) value);
            }
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
        if (!strings.isEmpty()) {
            builder.add(new TermInSetQuery(STRING_PREFIX + key, strings), Occur.SHOULD);
        }
        if (!numbers.isEmpty()) {
            builder.add(
                    DoublePoint.newSetQuery(
                            NUMBER_PREFIX + key,
                            numbers.stream().mapToDouble(Double::doubleValue).toArray()),
                    Occur.SHOULD);
        }
        return builder.build();
    }

    private static Query rangeQuery(Filter.ComparisonType type, String key, Object value) {
        boolean lower = type == Filter.ComparisonType.GT || type == Filter.ComparisonType.GTE;
        boolean inclusive = type == Filter.ComparisonType.GTE || type == Filter.ComparisonType.LTE;
        if (value instanceof Double d) {
            double bound = inclusive ? d : lower ? Math.nextUp(d) : Math.nextDown(d);
            return lower
                    ? DoublePoint.newRangeQuery(NUMBER_PREFIX + key, bound, Double.POSITIVE_INFINITY)
                    : DoublePoint.newRangeQuery(NUMBER_PREFIX + key, Double.NEGATIVE_INFINITY, bound);
        }
        String s = (String) value;
        return lower
                ? TermRangeQuery.newStringRange(STRING_PREFIX + key, s, null, inclusive, true)
                : TermRangeQuery.newStringRange(STRING_PREFIX + key, null, s, true, inclusive);
    }

    private static Query not(Query query) {
        return new BooleanQuery.Builder()
                .add(new MatchAllDocsQuery(), Occur.FILTER)
                .add(query, Occur.MUST_NOT)
                .build();
    }

    // ---- the rest ---------------------------------------------------------------------------------------

    @Override
    public long countChunks(String vectorStoreId) {
        IndexedChunk.requireId(vectorStoreId, "vectorStoreId");
        ensureOpen();
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.count(new TermQuery(new Term(STORE, vectorStoreId)));
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not count chunks", e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try (directory;
                writer;
                searchers) {
            if (persistent) {
                writer.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the search index", e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the search index is closed");
        }
    }

    private record Scored(int doc, double score) {
        static final Comparator<Scored> ORDER =
                Comparator.comparingDouble(Scored::score).reversed().thenComparingInt(Scored::doc);
    }
}
