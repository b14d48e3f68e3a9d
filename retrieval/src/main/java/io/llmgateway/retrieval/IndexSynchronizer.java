package io.llmgateway.retrieval;

import io.llmgateway.rag.index.IndexedChunk;
import io.llmgateway.rag.index.Retriever;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps this replica's search index equal to PostgreSQL. The database says, for every completed attachment, the
 * generation of its chunks; the index remembers the generation it holds of each. A sync compares the two and
 * reloads what differs: new or re-ingested files are (re)loaded, removed files and stores are dropped. It runs
 *
 * <ul>
 *   <li>once in full at start-up, before the server accepts requests ({@link #syncAll()});</li>
 *   <li>for the stores named by each change notification, coalesced ({@link #request(String)}), and in full when
 *   the listener (re)connects, since notifications sent meanwhile were lost ({@link #requestAll()});</li>
 *   <li>before a search whose stores differ from what the database said a moment before ({@link #ensure}), so that
 *   a search never misses a file the database reports completed, even before its notification arrived.</li>
 * </ul>
 *
 * <p>Only the vectors of the configured embedding model are loaded: chunks that another model embedded (before the
 * setting changed) are found by their words alone, and their vectors never meet the model's in one index.
 *
 * <p>Reads go through the gateway's R2DBC pool, reactively, in one read-only repeatable-read transaction per sync
 * (so the generations and the chunks agree); the rows stream in batches to the index, which is written on the
 * retrieval pool only. Syncs run one at a time, in rounds: each round takes every store asked for since the one
 * before, and completes the {@link #ensure}s waiting for it.
 */
public class IndexSynchronizer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IndexSynchronizer.class);
    private static final int INDEX_BATCH = 500;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final DatabaseClient db;
    /** Read-only, repeatable read: the generations and the chunks of one sync agree. */
    private final TransactionalOperator snapshot;

    private final String embeddingModel;
    private final Retriever retriever;
    private final Scheduler scheduler;
    /** Reads the attributes of the chunks loaded from the database. */
    private final JsonMapper json;
    /** Store id to file id to the generation of the file's chunks in the index. */
    private final Map<String, Map<String, Long>> indexed = new ConcurrentHashMap<>();

    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dirtyAll = new AtomicBoolean();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** Rounds asked for and not yet run: a round runs only while this is above zero, one at a time. */
    private final AtomicInteger drains = new AtomicInteger();

    private volatile @Nullable Disposable current;
    private volatile boolean closed;

    public IndexSynchronizer(
            DatabaseClient db,
            TransactionalOperator snapshot,
            String embeddingModel,
            Retriever retriever,
            Scheduler scheduler,
            JsonMapper json) {
        this.db = db;
        this.snapshot = snapshot;
        this.json = json;
        this.embeddingModel = embeddingModel;
        this.retriever = retriever;
        this.scheduler = scheduler;
    }

    public Retriever retriever() {
        return retriever;
    }

    /** Completes when every store that differed from the database has been reloaded. */
    public Mono<Void> syncAll() {
        return waitFor(null);
    }

    /** Completes when what differed in these stores has been reloaded. */
    Mono<Void> syncStores(Collection<String> stores) {
        return stores.isEmpty() ? Mono.empty() : waitFor(Set.copyOf(stores));
    }

    /** Whether the index holds exactly these files (and generations) of these stores. */
    boolean holds(Map<String, Map<String, Long>> expected) {
        for (Map.Entry<String, Map<String, Long>> store : expected.entrySet()) {
            Map<String, Long> have = indexed.getOrDefault(store.getKey(), Map.of());
            if (!have.equals(store.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Completes when the index holds the files the database reported for these stores, syncing them first if it
     * does not.
     */
    public Mono<Void> ensure(Map<String, Map<String, Long>> expected) {
        if (holds(expected)) {
            return Mono.empty();
        }
        return syncStores(expected.keySet());
    }

    /** A change in a store was notified: sync it soon, coalesced with other changes. */
    public void request(String storeId) {
        dirty.add(storeId);
        drain();
    }

    /** Notifications may have been missed: sync everything soon. */
    public void requestAll() {
        dirtyAll.set(true);
        drain();
    }

    /** A sync of these stores (null: all) in the next round, and its end. */
    private Mono<Void> waitFor(@Nullable Set<String> stores) {
        return Mono.defer(() -> {
            Waiter waiter = new Waiter(stores, Sinks.empty());
            waiters.add(waiter);
            drain();
            return waiter.done().asMono();
        });
    }

    private void drain() {
        if (drains.getAndIncrement() == 0) {
            round(1);
        }
    }

    /** One sync of everything asked for so far; the next round, if more was asked for meanwhile, when it ends. */
    private void round(int missed) {
        List<Waiter> waiting = new ArrayList<>();
        for (Waiter waiter; (waiter = waiters.poll()) != null; ) {
            waiting.add(waiter);
        }
        if (closed) {
            waiting.forEach(waiter -> waiter.done().tryEmitError(new IllegalStateException("the index is closed")));
            next(missed);
            return;
        }
        boolean all = dirtyAll.getAndSet(false);
        Set<String> stores = new HashSet<>();
        for (String store : dirty) {
            if (dirty.remove(store)) {
                stores.add(store);
            }
        }
        for (Waiter waiter : waiting) {
            if (waiter.stores() == null) {
                all = true;
            } else {
                stores.addAll(waiter.stores());
            }
        }
        Mono<Void> work = all ? sync(null) : stores.isEmpty() ? Mono.empty() : sync(stores);
        current = work.subscribe(
                null,
                error -> {
                    failed(error);
                    waiting.forEach(waiter -> waiter.done().tryEmitError(error));
                    next(missed);
                },
                () -> {
                    waiting.forEach(waiter -> waiter.done().tryEmitEmpty());
                    next(missed);
                });
    }

    private void next(int missed) {
        int left = drains.addAndGet(-missed);
        if (left != 0) {
            round(left);
        }
    }

    private void failed(Throwable error) {
        if (closed) {
            return;
        }
        log.warn("Syncing the search index failed, retrying in 2 s: {}", error.toString());
        try {
            scheduler.schedule(this::requestAll, 2, TimeUnit.SECONDS);
        } catch (RuntimeException rejected) {
            log.debug("Index sync retry not scheduled: {}", rejected.toString());
        }
    }

    /** Reloads what differs in these stores (null: in all), in one snapshot of the database. */
    private Mono<Void> sync(@Nullable Set<String> stores) {
        return snapshot.transactional(completed(stores)
                        .flatMap(wanted -> Mono.fromCallable(() -> plan(stores, wanted))
                                .subscribeOn(scheduler)
                                .flatMap(plan -> (plan.toLoad().isEmpty()
                                                ? Mono.just(0L)
                                                : load(plan.toLoad(), plan.everything())
                                                        .doOnNext(chunks -> log.debug(
                                                                "Loaded {} chunks of {} files into the search index",
                                                                chunks,
                                                                plan.toLoad().size())))
                                        .then(Mono.fromRunnable(() -> {
                                            for (String store : plan.scope()) {
                                                Map<String, Long> want = wanted.get(store);
                                                if (want != null && !want.isEmpty()) {
                                                    indexed.put(store, Map.copyOf(want));
                                                }
                                            }
                                        })))))
                .then();
    }

    /**
     * Drops from the index what the database no longer has, and forgets the files to (re)load: if loading fails
     * half-way, the next sync loads them again. Blocks (the index), on the retrieval pool.
     */
    private Plan plan(@Nullable Set<String> stores, Map<String, Map<String, Long>> wanted) {
        Set<String> scope = new HashSet<>();
        if (stores == null) {
            scope.addAll(indexed.keySet());
            scope.addAll(wanted.keySet());
        } else {
            scope.addAll(stores);
        }
        List<String[]> toLoad = new ArrayList<>();
        for (String store : scope) {
            Map<String, Long> want = wanted.getOrDefault(store, Map.of());
            Map<String, Long> have = indexed.getOrDefault(store, Map.of());
            if (want.isEmpty()) {
                if (indexed.remove(store) != null) {
                    retriever.deleteStore(store);
                }
                continue;
            }
            for (String file : have.keySet()) {
                if (!want.containsKey(file)) {
                    retriever.deleteFile(store, file);
                }
            }
            for (Map.Entry<String, Long> file : want.entrySet()) {
                if (!Objects.equals(file.getValue(), have.get(file.getKey()))) {
                    toLoad.add(new String[] {store, file.getKey()});
                }
            }
        }
        for (String[] key : toLoad) {
            Map<String, Long> have = indexed.get(key[0]);
            if (have != null) {
                Map<String, Long> without = new HashMap<>(have);
                without.remove(key[1]);
                indexed.put(key[0], Map.copyOf(without));
            }
            retriever.deleteFile(key[0], key[1]);
        }
        return new Plan(scope, toLoad, stores == null && indexed.isEmpty());
    }

    /** Store id to file id to generation of every completed attachment (of the given stores). */
    private Mono<Map<String, Map<String, Long>>> completed(@Nullable Set<String> stores) {
        String sql = "SELECT vector_store_id, file_id, generation FROM vector_store_files"
                + " WHERE status = 'completed' AND generation IS NOT NULL"
                + (stores == null ? "" : " AND vector_store_id = ANY(CAST(:stores AS text[]))");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql);
        if (stores != null) {
            spec = spec.bind("stores", stores.toArray(String[]::new));
        }
        return spec.map((row, meta) ->
                        new Generation(row.get(0, String.class), row.get(1, String.class), row.get(2, Long.class)))
                .all()
                .collect(
                        HashMap::new,
                        (wanted, row) -> wanted.computeIfAbsent(row.store(), store -> new HashMap<>())
                                .put(row.file(), row.generation()));
    }

    /**
     * Loads the chunks of these attachments into the index, streamed in batches (the index written on the
     * retrieval pool); how many.
     */
    // a chunk may have no embedding yet: IndexedChunk takes a float @Nullable [], which NullAway outside its
    // JSpecify mode does not read as a nullable array
    @SuppressWarnings("NullAway")
    private Mono<Long> load(List<String[]> keys, boolean everything) {
        String sql = """
                SELECT c.vector_store_id, c.file_id, c.chunk_index, c.text,
                       CASE WHEN vf.embedding_model = :model THEN c.embedding END AS embedding,
                       c.attributes::text AS attributes, f.filename
                FROM chunks c
                JOIN vector_store_files vf ON vf.vector_store_id = c.vector_store_id AND vf.file_id = c.file_id
                                          AND vf.status = 'completed'
                JOIN files f ON f.id = c.file_id
                """
                + (everything
                        ? ""
                        : " WHERE (c.vector_store_id, c.file_id) IN"
                                + " (SELECT * FROM unnest(CAST(:stores AS text[]), CAST(:files AS text[])))");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("model", embeddingModel);
        if (!everything) {
            String[] storeIds = new String[keys.size()];
            String[] fileIds = new String[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                storeIds[i] = keys.get(i)[0];
                fileIds[i] = keys.get(i)[1];
            }
            spec = spec.bind("stores", storeIds).bind("files", fileIds);
        }
        return spec.filter((statement, next) -> next.execute(statement.fetchSize(INDEX_BATCH)))
                .map((row, meta) -> new IndexedChunk(
                        row.get("vector_store_id", String.class),
                        row.get("file_id", String.class),
                        row.get("filename", String.class),
                        row.get("chunk_index", Integer.class),
                        row.get("text", String.class),
                        vector(row.get("embedding", Float[].class)),
                        attributes(row.get("attributes", String.class))))
                .all()
                .buffer(INDEX_BATCH)
                .concatMap(
                        batch -> Mono.fromCallable(() -> {
                                    retriever.index(batch);
                                    return (long) batch.size();
                                })
                                .subscribeOn(scheduler),
                        1)
                .reduce(0L, Long::sum);
    }

    private static float @Nullable [] vector(Float @Nullable [] boxed) {
        if (boxed == null) {
            return null;
        }
        float[] vector = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            vector[i] = boxed[i];
        }
        return vector;
    }

    private Map<String, Object> attributes(String text) {
        return text == null || text.isBlank() ? Map.of() : json.readValue(text, MAP);
    }

    @Override
    public void close() {
        closed = true;
        Disposable running = current;
        if (running != null) {
            running.dispose();
        }
        for (Waiter waiter; (waiter = waiters.poll()) != null; ) {
            waiter.done().tryEmitError(new IllegalStateException("the index is closed"));
        }
    }

    /** One completed attachment's chunks in the database. */
    private record Generation(String store, String file, long generation) {}

    /** An {@link #ensure} or start-up sync waiting for a round: its stores (null: all). */
    private record Waiter(@Nullable Set<String> stores, Sinks.Empty<Void> done) {}

    /**
     * @param scope      the stores this sync compared
     * @param toLoad     store and file ids of the attachments to (re)load
     * @param everything whether the index was empty and every completed attachment is to be loaded
     */
    private record Plan(Set<String> scope, List<String[]> toLoad, boolean everything) {}
}
