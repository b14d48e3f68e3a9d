-- Retrieval: uploaded files, vector stores, the files attached to them and their chunks with embeddings.
-- PostgreSQL is the source of truth; each replica's search index (Lucene, in memory) is rebuilt from these tables
-- at start-up and kept current through the notifications below.

-- An uploaded file, with its content. Scoped to a project: another project never sees it.
CREATE TABLE files (
    id           text        PRIMARY KEY,
    project_id   text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    filename     text        NOT NULL,
    purpose      text        NOT NULL,
    content_type text,
    bytes        bytea       NOT NULL,
    size         bigint      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX files_project ON files (project_id, id);

-- A knowledge base. The chunking columns are the default for files attached without a chunking_strategy
-- (NULL: auto).
CREATE TABLE vector_stores (
    id                    text        PRIMARY KEY,
    project_id            text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name                  text,
    metadata              jsonb       NOT NULL DEFAULT '{}',
    max_chunk_size_tokens integer,
    chunk_overlap_tokens  integer,
    created_at            timestamptz NOT NULL DEFAULT now(),
    last_active_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vector_stores_project ON vector_stores (project_id, id);

-- Versions of a file's chunks: a completed attachment holds the generation its chunks were written with, and each
-- replica's index remembers the generation it holds, so that comparing the two finds what to reload.
CREATE SEQUENCE retrieval_generation;

-- A file in a vector store. Its chunks and the status 'completed' are written in one transaction, so a file is
-- never reported complete with part of its chunks; a crash leaves it 'in_progress', and ingestion resumes it.
CREATE TABLE vector_store_files (
    vector_store_id       text        NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
    file_id               text        NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    status                text        NOT NULL CHECK (status IN ('in_progress', 'completed', 'failed', 'cancelled')),
    last_error_code       text,
    last_error_message    text,
    attributes            jsonb       NOT NULL DEFAULT '{}',
    chunking_type         text        NOT NULL CHECK (chunking_type IN ('auto', 'static')),
    max_chunk_size_tokens integer     NOT NULL,
    chunk_overlap_tokens  integer     NOT NULL,
    usage_bytes           bigint      NOT NULL DEFAULT 0,
    generation            bigint,
    attempts              integer     NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (vector_store_id, file_id)
);
CREATE INDEX vector_store_files_file ON vector_store_files (file_id);
CREATE INDEX vector_store_files_in_progress ON vector_store_files (vector_store_id) WHERE status = 'in_progress';

-- The chunks of a completed attachment, with their embeddings and the attachment's attributes at ingestion.
CREATE TABLE chunks (
    vector_store_id text    NOT NULL,
    file_id         text    NOT NULL,
    chunk_index     integer NOT NULL,
    text            text    NOT NULL,
    token_count     integer NOT NULL,
    embedding       real[],
    attributes      jsonb   NOT NULL DEFAULT '{}',
    PRIMARY KEY (vector_store_id, file_id, chunk_index),
    FOREIGN KEY (vector_store_id, file_id) REFERENCES vector_store_files (vector_store_id, file_id) ON DELETE CASCADE
);

-- Every change that a search index must follow notifies 'gateway_retrieval_changed' with '<store id>/<file id>':
-- an attachment that changes status or generation, or that goes away (also when its file or its store is deleted,
-- by cascade). Chunks change only in the transaction that changes their attachment (ingestion writes them with the
-- new generation; deleting the attachment deletes them), so this one trigger covers the chunks too, with one
-- notification per file instead of one per chunk.
CREATE FUNCTION notify_retrieval_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('gateway_retrieval_changed', OLD.vector_store_id || '/' || OLD.file_id);
        RETURN OLD;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.generation IS DISTINCT FROM OLD.generation THEN
        PERFORM pg_notify('gateway_retrieval_changed', NEW.vector_store_id || '/' || NEW.file_id);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER vector_store_files_changed AFTER UPDATE OR DELETE ON vector_store_files
    FOR EACH ROW EXECUTE FUNCTION notify_retrieval_change();
