package io.llmgateway.app.retrieval;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The two bounded pools where retrieval does its blocking work (parsing, embedding, Lucene), never on an
 * event loop: ingestion, small so that it never takes every core, and search (query embeddings, searches and
 * index syncs). Disposed at shutdown.
 */
class RetrievalSchedulers implements AutoCloseable {

    private final Scheduler ingest;
    private final Scheduler search;

    RetrievalSchedulers(RetrievalProperties properties) {
        this.ingest = Schedulers.newBoundedElastic(
                properties.ingestThreads(), properties.queueCapacity(), "retrieval-ingest", 60, true);
        this.search = Schedulers.newBoundedElastic(
                properties.effectiveSearchThreads(), properties.queueCapacity(), "retrieval-search", 60, true);
    }

    Scheduler ingest() {
        return ingest;
    }

    Scheduler search() {
        return search;
    }

    @Override
    public void close() {
        ingest.dispose();
        search.dispose();
    }
}
