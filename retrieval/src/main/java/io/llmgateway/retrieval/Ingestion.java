package io.llmgateway.retrieval;

import io.llmgateway.core.protocol.EmbeddingPurpose;
import io.llmgateway.rag.chunk.Chunk;
import io.llmgateway.rag.chunk.Chunker;
import io.llmgateway.rag.document.DocumentException;
import io.llmgateway.rag.document.DocumentParser;
import io.llmgateway.rag.document.ParsedDocument;
import io.llmgateway.retrieval.IngestionQueue.ChunkRow;
import io.llmgateway.retrieval.IngestionQueue.Claim;
import io.llmgateway.retrieval.VectorStoreRepository.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Turns attached files into searchable chunks, off the request path: parse and chunk on the ingestion pool, embed
 * with the retrieval embedding model ({@link RetrievalEmbeddings}), then write the chunks and the status {@code completed} in one transaction ({@link IngestionQueue#complete}).
 * A file that cannot be read ends {@code failed} with a {@code last_error} the user can act on
 * ({@code unsupported_file}, {@code invalid_file}, or {@code server_error}); no file stays {@code in_progress}
 * while the gateway runs.
 *
 * <p>A crash leaves the attachment {@code in_progress} with nothing written; at start-up every such attachment is
 * ingested again. Each attempt is counted, and a file whose ingestion was started {@code max-attempts} times
 * (it may be what brought a replica down) is marked failed instead of being tried forever. Two replicas that
 * ingest the same attachment at once (one resuming it) are harmless: only the latest attempt may complete it.
 */
public class Ingestion implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Ingestion.class);

    /** The attachments to ingest, in the database: claimed, then marked done or failed. */
    private final IngestionQueue work;

    private final DocumentParser parser;
    private final Chunker chunker;
    private final RetrievalEmbeddings embedder;
    private final IndexSynchronizer index;
    private final Scheduler scheduler;
    /** Files ingested at once. */
    private final int concurrency;
    /** Ingestions of one file started before it is marked failed. */
    private final int maxAttempts;

    private volatile @Nullable FluxSink<Key> pending;
    private volatile @Nullable Disposable worker;
    private volatile boolean running;

    public Ingestion(
            IngestionQueue work,
            DocumentParser parser,
            Chunker chunker,
            RetrievalEmbeddings embedder,
            IndexSynchronizer index,
            Scheduler scheduler,
            int concurrency,
            int maxAttempts) {
        this.work = work;
        this.parser = parser;
        this.chunker = chunker;
        this.embedder = embedder;
        this.index = index;
        this.scheduler = scheduler;
        this.concurrency = concurrency;
        this.maxAttempts = maxAttempts;
    }

    /** Queues the ingestion of attachments that were just created or restarted. */
    public void submit(List<Key> keys) {
        FluxSink<Key> sink = pending;
        if (sink == null) {
            log.warn("Ingestion is not running; {} attachment(s) stay in progress until the next start", keys.size());
            return;
        }
        keys.forEach(sink::next);
    }

    @Override
    public void start() {
        running = true;
        worker = Flux.<Key>create(sink -> pending = sink, FluxSink.OverflowStrategy.BUFFER)
                .flatMap(this::ingest, concurrency)
                .subscribe();
        // attachments a crash (or a shutdown) left in progress start over
        work.inProgress()
                .collectList()
                .subscribe(
                        keys -> {
                            if (!keys.isEmpty()) {
                                log.info("Resuming the ingestion of {} file(s) left in progress", keys.size());
                                submit(keys);
                            }
                        },
                        error -> log.warn("Could not look for files left in progress: {}", error.toString()));
    }

    @Override
    public void stop() {
        running = false;
        pending = null;
        Disposable current = worker;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** One attachment, start to end; never fails (a failure is written as the attachment's status). */
    Mono<Void> ingest(Key key) {
        return work.claim(key)
                .flatMap(claim -> {
                    if (claim.attempts() > maxAttempts) {
                        return work.fail(
                                        key,
                                        "server_error",
                                        "Ingestion of this file was interrupted " + (claim.attempts() - 1)
                                                + " times; attach it again to retry.")
                                .then();
                    }
                    return Mono.fromCallable(() -> prepare(claim))
                            .subscribeOn(scheduler)
                            .flatMap(prepared -> prepared.errorCode() != null
                                    ? work.fail(
                                                    key,
                                                    prepared.errorCode(),
                                                    Objects.requireNonNullElse(
                                                            prepared.errorMessage(), "The file could not be read."))
                                            .then()
                                    : embed(claim, prepared.chunks())
                                            .flatMap(rows -> work.complete(claim, rows, embedder.modelId()))
                                            .doOnNext(completed -> {
                                                if (completed) {
                                                    index.request(key.storeId());
                                                }
                                            })
                                            .then());
                })
                .onErrorResume(error -> {
                    if (!running) {
                        return Mono.empty(); // shutting down: left in progress, resumed at the next start
                    }
                    log.warn(
                            "Ingestion of file {} into {} failed: {}",
                            key.fileId(),
                            key.storeId(),
                            error.toString(),
                            error);
                    return work.fail(key, "server_error", "The file could not be processed.")
                            .then()
                            .onErrorResume(again -> {
                                log.warn("Could not mark file {} failed: {}", key.fileId(), again.toString());
                                return Mono.empty();
                            });
                });
    }

    /** Parse and chunk. Blocks (CPU): on the ingestion pool only. */
    Prepared prepare(Claim claim) {
        try {
            parser.detect(claim.filename(), claim.contentType());
        } catch (DocumentException e) {
            return Prepared.failed("unsupported_file", sentence(e.getMessage()));
        }
        ParsedDocument document;
        try {
            document = parser.parse(claim.content(), claim.filename(), claim.contentType());
        } catch (DocumentException e) {
            return Prepared.failed("invalid_file", sentence(e.getMessage()));
        }
        List<Chunk> chunks = chunker.chunk(document.text(), claim.chunking().strategy());
        if (chunks.isEmpty()) {
            return Prepared.failed("invalid_file", "The file contains no text.");
        }
        return new Prepared(chunks, null, null);
    }

    /** The chunks with their vectors, from the retrieval embedding model (its tokens billed to the project). */
    private Mono<List<ChunkRow>> embed(Claim claim, List<Chunk> chunks) {
        EmbeddingOwner owner = EmbeddingOwner.ingestion(
                claim.projectId(), claim.key().storeId(), claim.key().fileId(), claim.attempts());
        return embedder.embed(chunks.stream().map(Chunk::text).toList(), EmbeddingPurpose.PASSAGE, owner)
                .map(vectors -> {
                    List<ChunkRow> rows = new ArrayList<>(chunks.size());
                    for (int i = 0; i < chunks.size(); i++) {
                        Chunk chunk = chunks.get(i);
                        rows.add(new ChunkRow(chunk.index(), chunk.text(), chunk.tokens(), vectors.get(i)));
                    }
                    return rows;
                });
    }

    private static String sentence(@Nullable String message) {
        if (message == null || message.isBlank()) {
            return "The file could not be read.";
        }
        String text = message.substring(0, 1).toUpperCase(Locale.ROOT) + message.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }

    /** The chunks of a file ready to embed, or why there are none. */
    record Prepared(
            List<Chunk> chunks,
            @Nullable String errorCode,
            @Nullable String errorMessage) {

        static Prepared failed(String code, String message) {
            return new Prepared(List.of(), code, message);
        }
    }
}
