package io.llmgateway.app.retrieval;

import io.llmgateway.app.persistence.DatabaseEndpoint;
import io.llmgateway.rag.index.IndexedChunk;
import io.llmgateway.rag.index.Retriever;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
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
 * <p>Reads use plain JDBC in one repeatable-read transaction (so the generations and the chunks agree), on the
 * retrieval pool only: every method here blocks.
 */
class IndexSynchronizer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IndexSynchronizer.class);
    private static final int INDEX_BATCH = 1000;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final DatabaseEndpoint database;
    private final String embeddingModel;
    private final Retriever retriever;
    private final Scheduler scheduler;
    /** Reads the attributes of the chunks loaded from the database. */
    private final JsonMapper json;
    /** Store id to file id to the generation of the file's chunks in the index. */
    private final Map<String, Map<String, Long>> indexed = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    private Connection connection;

    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dirtyAll = new AtomicBoolean();
    private final AtomicInteger drains = new AtomicInteger();
    private volatile boolean closed;

    IndexSynchronizer(
            DatabaseEndpoint database,
            String embeddingModel,
            Retriever retriever,
            Scheduler scheduler,
            JsonMapper json) {
        this.database = database;
        this.json = json;
        this.embeddingModel = embeddingModel;
        this.retriever = retriever;
        this.scheduler = scheduler;
    }

    Retriever retriever() {
        return retriever;
    }

    /** Reloads every store that differs from the database. Blocks. */
    void syncAll() {
        sync(null);
    }

    /** Reloads what differs in these stores. Blocks. */
    void syncStores(Collection<String> stores) {
        if (!stores.isEmpty()) {
            sync(Set.copyOf(stores));
        }
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
     * does not; on the retrieval pool.
     */
    Mono<Void> ensure(Map<String, Map<String, Long>> expected) {
        if (holds(expected)) {
            return Mono.empty();
        }
        return Mono.<Void>fromRunnable(() -> {
                    if (!holds(expected)) {
                        syncStores(expected.keySet());
                    }
                })
                .subscribeOn(scheduler);
    }

    /** A change in a store was notified: sync it soon, coalesced with other changes. */
    void request(String storeId) {
        dirty.add(storeId);
        drain();
    }

    /** Notifications may have been missed: sync everything soon. */
    void requestAll() {
        dirtyAll.set(true);
        drain();
    }

    private void drain() {
        if (closed || drains.getAndIncrement() != 0) {
            return;
        }
        try {
            scheduler.schedule(this::drainLoop);
        } catch (RuntimeException rejected) {
            drains.set(0);
            log.debug("Index sync not scheduled: {}", rejected.toString());
        }
    }

    private void drainLoop() {
        int missed = 1;
        do {
            boolean all = dirtyAll.getAndSet(false);
            Set<String> stores = new HashSet<>();
            for (String store : dirty) {
                if (dirty.remove(store)) {
                    stores.add(store);
                }
            }
            try {
                if (all) {
                    syncAll();
                } else {
                    syncStores(stores);
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("Syncing the search index failed, retrying in 2 s: {}", e.toString());
                    try {
                        scheduler.schedule(this::requestAll, 2, TimeUnit.SECONDS);
                    } catch (RuntimeException rejected) {
                        log.debug("Index sync retry not scheduled: {}", rejected.toString());
                    }
                }
            }
            missed = drains.addAndGet(-missed);
        } while (missed != 0);
    }

    private void sync(Set<String> stores) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                syncLocked(stores);
            } catch (SQLException e) {
                closeConnection();
                throw new IllegalStateException("reading the chunks from the database failed: " + e.getMessage(), e);
            }
        }
    }

    private void syncLocked(Set<String> stores) throws SQLException {
        Connection c = connection();
        try {
            Map<String, Map<String, Long>> wanted = completed(c, stores);
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
            if (!toLoad.isEmpty()) {
                // forget them first: if loading fails half-way, the next sync loads them again
                for (String[] key : toLoad) {
                    Map<String, Long> have = indexed.get(key[0]);
                    if (have != null) {
                        Map<String, Long> without = new HashMap<>(have);
                        without.remove(key[1]);
                        indexed.put(key[0], Map.copyOf(without));
                    }
                    retriever.deleteFile(key[0], key[1]);
                }
                long chunks = load(c, toLoad, stores == null && indexed.isEmpty());
                log.debug("Loaded {} chunks of {} files into the search index", chunks, toLoad.size());
            }
            for (String store : scope) {
                Map<String, Long> want = wanted.get(store);
                if (want != null && !want.isEmpty()) {
                    indexed.put(store, Map.copyOf(want));
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is closed below
            }
            throw e;
        }
    }

    /** Store id to file id to generation of every completed attachment (of the given stores). */
    private static Map<String, Map<String, Long>> completed(Connection c, Set<String> stores) throws SQLException {
        String sql = "SELECT vector_store_id, file_id, generation FROM vector_store_files"
                + " WHERE status = 'completed' AND generation IS NOT NULL"
                + (stores == null ? "" : " AND vector_store_id = ANY(?)");
        Map<String, Map<String, Long>> wanted = new HashMap<>();
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            if (stores != null) {
                statement.setArray(1, c.createArrayOf("text", stores.toArray()));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    wanted.computeIfAbsent(rows.getString(1), store -> new HashMap<>())
                            .put(rows.getString(2), rows.getLong(3));
                }
            }
        }
        return wanted;
    }

    /** Loads the chunks of these attachments into the index, streamed in batches; returns how many. */
    private long load(Connection c, List<String[]> keys, boolean everything) throws SQLException {
        String sql = """
                SELECT c.vector_store_id, c.file_id, c.chunk_index, c.text,
                       CASE WHEN vf.embedding_model = ? THEN c.embedding END AS embedding,
                       c.attributes::text AS attributes, f.filename
                FROM chunks c
                JOIN vector_store_files vf ON vf.vector_store_id = c.vector_store_id AND vf.file_id = c.file_id
                                          AND vf.status = 'completed'
                JOIN files f ON f.id = c.file_id
                """
                + (everything
                        ? ""
                        : " WHERE (c.vector_store_id, c.file_id) IN" + " (SELECT * FROM unnest(?::text[], ?::text[]))");
        long count = 0;
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setFetchSize(500);
            statement.setString(1, embeddingModel);
            if (!everything) {
                Object[] storeIds = new Object[keys.size()];
                Object[] fileIds = new Object[keys.size()];
                for (int i = 0; i < keys.size(); i++) {
                    storeIds[i] = keys.get(i)[0];
                    fileIds[i] = keys.get(i)[1];
                }
                statement.setArray(2, c.createArrayOf("text", storeIds));
                statement.setArray(3, c.createArrayOf("text", fileIds));
            }
            List<IndexedChunk> batch = new ArrayList<>(INDEX_BATCH);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    batch.add(new IndexedChunk(
                            rows.getString(1),
                            rows.getString(2),
                            rows.getString(7),
                            rows.getInt(3),
                            rows.getString(4),
                            vector(rows.getArray(5)),
                            attributes(rows.getString(6))));
                    count++;
                    if (batch.size() == INDEX_BATCH) {
                        retriever.index(batch);
                        batch = new ArrayList<>(INDEX_BATCH);
                    }
                }
            }
            if (!batch.isEmpty()) {
                retriever.index(batch);
            }
        }
        return count;
    }

    private static float @Nullable [] vector(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        Object values = array.getArray();
        if (values instanceof float[] floats) {
            return floats;
        }
        Object[] boxed = (Object[]) values;
        float[] vector = new float[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            vector[i] = ((Number) boxed[i]).floatValue();
        }
        return vector;
    }

    private Map<String, Object> attributes(String text) {
        return text == null || text.isBlank() ? Map.of() : json.readValue(text, MAP);
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is gone either way
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            closeConnection();
        }
    }
}
