-- The embedding model whose vectors an attachment's chunks hold. The search index uses only the vectors of the
-- configured model (gateway.retrieval.embedding-model), so chunks embedded by another one are still found by their
-- words (BM25) and can be re-embedded by attaching the file again. Every attachment ingested before this column
-- existed was embedded by the in-process all-MiniLM-L6-v2.
ALTER TABLE vector_store_files ADD COLUMN embedding_model text;
UPDATE vector_store_files SET embedding_model = 'all-minilm-l6-v2' WHERE status = 'completed';

-- OpenAI's expires_after {"anchor": "last_active_at", "days": N}: a store unused for N days is expired (kept, but no
-- longer searched). Every search of a store moves its last_active_at (at most once a minute).
ALTER TABLE vector_stores ADD COLUMN expires_after_days integer CHECK (expires_after_days BETWEEN 1 AND 365);
